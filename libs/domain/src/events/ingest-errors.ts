/** Stable error codes of the ingest path; HTTP statuses are mapped in one place, in the app. */
export const INGEST_ERROR_CODES = {
  emptyBody: 'INGEST.EMPTY_BODY',
  malformedJson: 'INGEST.MALFORMED_JSON',
  unsupportedMediaType: 'INGEST.UNSUPPORTED_MEDIA_TYPE',
  batchTooLarge: 'INGEST.BATCH_TOO_LARGE',
  bodyTooLarge: 'INGEST.BODY_TOO_LARGE',
  nothingValid: 'INGEST.NOTHING_VALID',
  notAnObject: 'INGEST.NOT_AN_OBJECT',
  malformedLine: 'INGEST.MALFORMED_LINE',
  unknownEnvelope: 'INGEST.UNKNOWN_ENVELOPE',
  missingTopic: 'INGEST.MISSING_TOPIC',
  missingEventBody: 'INGEST.MISSING_EVENT_BODY',
  detailTypeMismatch: 'INGEST.DETAIL_TYPE_MISMATCH',
  notGenesysSource: 'INGEST.NOT_GENESYS_SOURCE',
  noConversationId: 'INGEST.NO_CONVERSATION_ID',
  nulCharacter: 'INGEST.NUL_CHARACTER',
} as const;

export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[keyof typeof INGEST_ERROR_CODES];

/** A problem with the request as a whole (nothing in it is stored). */
export class IngestBodyError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'IngestBodyError';
  }
}
