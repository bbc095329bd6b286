/** Where an event entered the ledger. Part of the metadata, never of the event id. */
export type IngestSource = 'eventbridge' | 'webhook' | 'notifications' | 'import';

export const INGEST_SOURCES: readonly IngestSource[] = ['eventbridge', 'webhook', 'notifications', 'import'];

export type JsonObject = { [key: string]: unknown };

export interface EventMetadata {
  /** The real topic, ids included, e.g. `v2.detail.events.conversation.<id>.acd.end`. */
  topicName: string;
  topicVersion: string | null;
  source: IngestSource;
  /** Business time (ISO 8601): when it happened at Genesys. Null when the payload carries no time. */
  eventTime: string | null;
  /** Knowledge time (ISO 8601): when the ledger first received it. */
  receivedAt: string;
  correlationId: string | null;
}

/** A Genesys message normalised into what the event store keeps. */
export interface CanonicalEvent {
  /** Deterministic UUID v5 of what identifies the fact, not of the route it came by. */
  eventId: string;
  /** `interaction-<conversationId>`, `user-<userId>` or `genesys-<topic template>`. */
  streamId: string;
  /** The topic template with ids replaced by `{id}`: exactly EventBridge's `detail-type`. */
  eventType: string;
  /** `eventBody`, verbatim. */
  data: JsonObject;
  metadata: EventMetadata;
}
