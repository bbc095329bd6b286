/**
 * What the interaction fold consumes: one stored event of an `interaction-<conversationId>` stream.
 * `data` is the Genesys eventBody verbatim: every field may be missing and enum values may be new.
 */
export interface FoldableEvent {
  /** Deterministic UUID of the fact; duplicates share it. */
  eventId: string;
  /** Topic template, e.g. `v2.detail.events.conversation.{id}.acd.start` or `v2.users.{id}.conversations`. */
  eventType: string;
  /** The Genesys eventBody, verbatim. */
  data: Record<string, unknown>;
  /** Business time (ISO 8601): detail events from eventBody.eventTime, snapshots from the best time in the body. */
  eventTime: string | null;
}
