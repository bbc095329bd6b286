import { HttpStatus } from '@nestjs/common';
import { INGEST_ERROR_CODES, IngestBodyError } from '@ledger/domain';

/** An error the API reports as `{"error": {code, message, details}}` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The one place where domain error codes become HTTP statuses. */
const STATUS_BY_CODE: Record<string, number> = {
  [INGEST_ERROR_CODES.emptyBody]: HttpStatus.BAD_REQUEST,
  [INGEST_ERROR_CODES.malformedJson]: HttpStatus.BAD_REQUEST,
  [INGEST_ERROR_CODES.nothingValid]: HttpStatus.BAD_REQUEST,
  [INGEST_ERROR_CODES.unsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [INGEST_ERROR_CODES.batchTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [INGEST_ERROR_CODES.bodyTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
};

export function toApiError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof IngestBodyError) {
    return new ApiError(STATUS_BY_CODE[error.code] ?? HttpStatus.BAD_REQUEST, error.code, error.message, error.details);
  }
  return null;
}
