import { jsonEvent, type EventData, type JSONType, type MetadataType, type Position, type ResolvedEvent } from '@eventstore/db-client';
import type { EventToAppend, RecordedEvent, StreamFilter } from '../event-store.port';

/**
 * Conversions between the port's events and EventStoreDB's.
 *
 * Positions: an event appended through gRPC has equal commit and prepare positions (each event record is its own
 * commit), so the commit position alone identifies it in `$all` and orders it. The port's position is that commit
 * position; going back, it becomes `{ commit, prepare }` with both equal.
 */

/** Stream reads from servers before 22.6 carry no `$all` position: they report the end of the log instead. */
const NO_POSITION = 2n ** 64n - 1n;

export function toEsdbPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

export function toEventData(event: EventToAppend): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.eventType,
    // The client serialises data and metadata with JSON.stringify, which takes any JSON value; the type is narrower.
    data: (event.data ?? null) as JSONType,
    metadata: (event.metadata ?? {}) as MetadataType,
  });
}

/** The port's event, or null for what the ledger never stores (an unresolved link). */
export function toRecordedEvent(resolved: ResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event) return null;
  const commit = event.position?.commit ?? resolved.commitPosition;
  return {
    eventId: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: commit === undefined || commit === NO_POSITION ? -1n : commit,
    eventType: event.type,
    data: event.data,
    metadata: event.metadata ?? {},
    recordedAt: event.created,
  };
}

/** System streams (`$…`) hold the server's own bookkeeping, never the ledger's events. */
export function isSystemStream(streamId: string): boolean {
  return streamId.startsWith('$');
}

export function matchesFilter(streamId: string, filter: StreamFilter | undefined): boolean {
  if (isSystemStream(streamId)) return false;
  if (!filter) return true;
  return filter.streamPrefixes.some((prefix) => streamId.startsWith(prefix));
}

/** Rough size of an event on the wire, to keep one write under the server's maximum append size. */
export function approximateSize(event: EventToAppend): number {
  return Buffer.byteLength(JSON.stringify(event.data ?? null)) + Buffer.byteLength(JSON.stringify(event.metadata ?? {})) + event.eventType.length + 64;
}
