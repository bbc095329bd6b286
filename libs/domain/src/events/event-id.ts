import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import { canonicalJson } from './canonical-json';

/** Namespace of the ledger's deterministic event ids (UUID v5). Changing it would re-identify every event. */
export const LEDGER_EVENT_ID_NAMESPACE = '6f1d3c52-9a0e-4b8e-bb61-2d0f6c1e7a44';
const NAMESPACE_BYTES = parseUuid(LEDGER_EVENT_ID_NAMESPACE);

/**
 * The id of a fact, from what identifies it rather than the route it came by: the same detail event delivered by
 * EventBridge and by the Notifications API, or redelivered days later, gets the same id.
 * `identity` is the topic with its ids for detail events, or `conversation-snapshot:<id>` for whole-conversation
 * snapshots (the same snapshot arrives on a queue topic and on a user topic).
 */
export function deterministicEventId(identity: string, eventBody: unknown): string {
  // Bytes, not strings: uuid converts a string name character by character and re-parses the namespace on every
  // call, which was a tenth of the ingest path's CPU. The id is the same.
  return uuidv5(Buffer.from(`${identity}\n${canonicalJson(eventBody)}`, 'utf8'), NAMESPACE_BYTES);
}
