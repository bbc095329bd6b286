import type { RecordedEvent } from '@ledger/event-store';
import type { ClientBase } from 'pg';
import { INTERACTION_STREAM_PREFIX } from './interaction-rows';
import type { ProjectionTarget } from './apply-interaction-batch';

export interface DeadLetterRow {
  id: string;
  projection: string;
  version: number;
  event_id: string;
  stream_id: string;
  conversation_id: string;
  position: string;
  event_type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: Date;
  error: string;
  attempts: number;
  status: 'parked' | 'resolved';
  blocked_by: string | null;
  parked_at: Date;
  resolved_at: Date | null;
}

export const conversationOf = (event: RecordedEvent): string => event.streamId.slice(INTERACTION_STREAM_PREFIX.length);

/** Conversations of `events` that have parked events: their new events must queue behind them. */
export async function conversationsWithParkedEvents(client: ClientBase, target: ProjectionTarget, conversationIds: string[]): Promise<Map<string, string>> {
  if (conversationIds.length === 0) return new Map();
  // FOR SHARE: a dead-letter retry of one of these conversations finishes first, or waits for this batch.
  const result = await client.query<{ conversation_id: string; event_id: string }>(
    `SELECT conversation_id, event_id FROM dead_letters
     WHERE projection = $1 AND version = $2 AND status = 'parked' AND conversation_id = ANY($3::text[])
     ORDER BY conversation_id, position
     FOR SHARE`,
    [target.name, target.version, conversationIds],
  );
  const first = new Map<string, string>();
  for (const row of result.rows) if (!first.has(row.conversation_id)) first.set(row.conversation_id, row.event_id);
  return first;
}

/**
 * Parks events in order: `failed` is the event whose handler threw (blockedBy null), the others queue behind it
 * (or behind `blockedBy`). The interaction row is flagged stale: it may be missing these events.
 */
export async function parkEvents(
  client: ClientBase,
  target: ProjectionTarget,
  events: RecordedEvent[],
  reason: { error: string; attempts: number; blockedBy: string | null },
): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO dead_letters (projection, version, event_id, stream_id, conversation_id, position, event_type, data, metadata,
                               recorded_at, error, attempts, blocked_by)
     SELECT $1, $2, e.event_id, e.stream_id, e.conversation_id, e.position, e.event_type, e.data, e.metadata, e.recorded_at,
            $3, $4, e.blocked_by
     FROM unnest($5::uuid[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::jsonb[], $11::jsonb[], $12::timestamptz[], $13::uuid[])
          AS e(event_id, stream_id, conversation_id, position, event_type, data, metadata, recorded_at, blocked_by)
     ON CONFLICT (projection, version, event_id) DO UPDATE SET attempts = dead_letters.attempts + 1, error = excluded.error,
       status = 'parked', resolved_at = NULL`,
    [
      target.name,
      target.version,
      reason.error,
      reason.attempts,
      events.map((event) => event.eventId),
      events.map((event) => event.streamId),
      events.map(conversationOf),
      events.map((event) => event.position.toString()),
      events.map((event) => event.eventType),
      events.map((event) => JSON.stringify(event.data ?? {})),
      events.map((event) => JSON.stringify(event.metadata ?? {})),
      events.map((event) => event.recordedAt.toISOString()),
      events.map((event, index) => (index === 0 ? reason.blockedBy : (reason.blockedBy ?? events[0]?.eventId ?? null))),
    ],
  );
  await client.query(`UPDATE ${target.tables.interactions} SET stale = true WHERE conversation_id = ANY($1::text[])`, [
    [...new Set(events.map(conversationOf))],
  ]);
}

export function deadLetterToEvent(row: DeadLetterRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    revision: -1n,
    position: BigInt(row.position),
    eventType: row.event_type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** Errors of the database itself are not the event's fault: they are retried, never parked. */
export function isDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) || (error as { errno?: unknown } | null)?.errno !== undefined;
}
