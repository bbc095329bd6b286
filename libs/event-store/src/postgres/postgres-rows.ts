import type { RecordedEvent } from '../event-store.port';

export interface EventRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: string;
  event_type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
}

/** The table the PostgreSQL event store keeps its events in (migration CreateEventStore1732400000000). */
export const POSTGRES_EVENTS_TABLE = 'ledger_events';

export const EVENT_COLUMNS =
  'position, event_id, stream_id, revision, event_type, data, metadata, recorded_at';

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    eventType: row.event_type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** `AND (stream_id LIKE $n || '%' OR …)` for a prefix filter, with its parameters appended to `params`. */
export function streamPrefixClause(prefixes: string[] | undefined, params: unknown[]): string {
  if (!prefixes || prefixes.length === 0) return '';
  params.push(prefixes.map((prefix) => prefix.replace(/[\\%_]/g, '\\$&') + '%'));
  return ` AND stream_id LIKE ANY ($${params.length}::text[])`;
}

/** Bits of a position that number events inside one transaction; the bits above hold the transaction id. */
export const POSITION_TRANSACTION_SHIFT = 20;
/** Most events one transaction can append (the index must fit below the transaction id). */
export const MAX_EVENTS_PER_TRANSACTION = 2 ** POSITION_TRANSACTION_SHIFT - 1;
