import type { PoolClient } from 'pg';
import { MAX_EVENTS_PER_TRANSACTION, POSITION_TRANSACTION_SHIFT } from './postgres-rows';
import { WrongExpectedRevisionError, type AppendOutcome, type AppendRequest, type ExpectedRevision } from '../event-store.port';

export const EVENTS_CHANNEL = 'ledger_events';

/** Errors after which the whole batch is retried: a racing writer got there first; the retry sees its commit. */
const RETRYABLE_CODES = new Set(['23505', '40P01', '40001']);
const MAX_ATTEMPTS = 8;

/**
 * Appends several requests in one transaction. Streams are locked in sorted order (no deadlocks between batches),
 * duplicates are dropped before revisions are numbered (so revisions stay contiguous), and a request whose
 * expected revision fails is reported without stopping the others.
 */
export async function appendInOneTransaction(
  client: PoolClient,
  requests: AppendRequest[],
  hooks: AppendHooks = {},
): Promise<AppendOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    await client.query('BEGIN');
    try {
      return await appendAttempt(client, requests, hooks);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE_CODES.has(code)) throw error;
    }
  }
}

export interface AppendHooks {
  /** Runs inside the transaction, after the rows are written: lets tests hold a transaction open. */
  beforeCommit?: () => Promise<void>;
}

/** Keys are the insert's column names: the rows go to PostgreSQL as one JSON array. */
interface PlannedRow {
  event_id: string;
  stream_id: string;
  revision: number;
  event_type: string;
  data: unknown;
  metadata: unknown;
}

/**
 * Four round trips: BEGIN; lock the streams and look up the batch's event ids; insert the events and move the
 * stream revisions; notify and COMMIT. Round trips, not rows, are what a 100-event append spends its time on.
 */
async function appendAttempt(client: PoolClient, requests: AppendRequest[], hooks: AppendHooks): Promise<AppendOutcome[]> {
  const allIds = [...new Set(requests.flatMap((request) => request.events.map((event) => event.eventId)))];
  const { revisions, stored, transactionId } = await lockStreamsAndFindStored(
    client,
    [...new Set(requests.map((request) => request.streamId))].sort(),
    allIds,
  );
  // A request expecting a revision it seems to miss may be a retry racing its own original, whose events committed
  // while this batch waited for the stream lock: the lookup above saw the snapshot from before that wait. A new
  // statement sees them, so look again before calling it a conflict (rare: only on an apparent mismatch).
  const doubtful = requests.filter(
    (request) =>
      request.expectedRevision !== undefined &&
      request.expectedRevision !== 'any' &&
      !revisionMatches(request.expectedRevision, revisions.get(request.streamId) ?? -1n) &&
      request.events.some((event) => !stored.has(event.eventId)),
  );
  if (doubtful.length > 0) {
    const again = await client.query<{ event_id: string }>('SELECT event_id FROM ledger_events WHERE event_id = ANY($1::uuid[])', [
      doubtful.flatMap((request) => request.events.map((event) => event.eventId)),
    ]);
    for (const row of again.rows) stored.add(row.event_id);
  }
  const rows: PlannedRow[] = [];
  const outcomes: AppendOutcome[] = requests.map((request) => {
    const current = revisions.get(request.streamId) ?? -1n;
    const inRequest = new Set<string>();
    const fresh = request.events.filter((event) => {
      const isNew = !stored.has(event.eventId) && !inRequest.has(event.eventId);
      inRequest.add(event.eventId);
      return isNew;
    });
    const duplicates = request.events.length - fresh.length;
    // A retry whose events are all stored already succeeds whatever it expected: appends are idempotent.
    if (fresh.length === 0) return { ok: true, nextExpectedRevision: current, position: null, appended: 0, duplicates };
    const expected = request.expectedRevision ?? 'any';
    if (!revisionMatches(expected, current)) {
      return { ok: false, error: new WrongExpectedRevisionError(request.streamId, expected, current) };
    }
    let revision = current;
    for (const event of fresh) {
      stored.add(event.eventId);
      revision += 1n;
      rows.push({
        event_id: event.eventId,
        stream_id: request.streamId,
        revision: Number(revision),
        event_type: event.eventType,
        data: event.data ?? null,
        metadata: event.metadata ?? {},
      });
    }
    revisions.set(request.streamId, revision);
    // Rows are numbered in push order, so the request's last row is its highest position.
    return { ok: true, nextExpectedRevision: revision, position: (transactionId << POSITION_SHIFT) + BigInt(rows.length), appended: fresh.length, duplicates };
  });
  if (rows.length > MAX_EVENTS_PER_TRANSACTION) {
    throw new RangeError(`one append holds ${rows.length} events; at most ${MAX_EVENTS_PER_TRANSACTION} fit in one transaction`);
  }
  if (rows.length > 0) {
    const touched = [...revisions.entries()];
    await client.query(
      `WITH moved AS (
         UPDATE ledger_streams AS s SET revision = v.revision
         FROM unnest($2::text[], $3::bigint[]) AS v(stream_id, revision)
         WHERE s.stream_id = v.stream_id AND s.revision <> v.revision
       )
       INSERT INTO ledger_events (position, event_id, stream_id, revision, event_type, data, metadata)
       SELECT (pg_current_xact_id()::text::bigint << ${POSITION_TRANSACTION_SHIFT}) + t.n, t.event_id, t.stream_id,
              t.revision, t.event_type, coalesce(t.data, 'null'::json), t.metadata
       FROM ROWS FROM (json_to_recordset($1::json) AS (event_id uuid, stream_id text, revision bigint, event_type text, data json, metadata json))
            WITH ORDINALITY AS t(event_id, stream_id, revision, event_type, data, metadata, n)`,
      [
        // One JSON document for all rows: bodies are serialised once, not once each and then escaped into an array.
        JSON.stringify(rows),
        touched.map(([streamId]) => streamId),
        touched.map(([, revision]) => revision.toString()),
      ],
    );
  }
  await hooks.beforeCommit?.();
  // No parameters, so both go in one simple-protocol round trip; NOTIFY is delivered only if COMMIT succeeds.
  await client.query(rows.length > 0 ? `SELECT pg_notify('${EVENTS_CHANNEL}', ''); COMMIT` : 'COMMIT');
  return outcomes;
}

const POSITION_SHIFT = BigInt(POSITION_TRANSACTION_SHIFT);

/**
 * Locks every stream of the batch, creating missing ones, in one statement and in stream order: an upsert takes the
 * row lock of an existing stream and waits for a racing creator, so two batches always lock in the same order and
 * never deadlock. Also returns which of `eventIds` are already stored, and the transaction id positions derive from.
 * An id stored by a batch that committed while this one waited for its lock is not seen here: its insert then fails
 * on the unique key and the whole batch is retried, seeing it.
 */
async function lockStreamsAndFindStored(
  client: PoolClient,
  sortedStreamIds: string[],
  eventIds: string[],
): Promise<{ revisions: Map<string, bigint>; stored: Set<string>; transactionId: bigint }> {
  const result = await client.query<{ kind: 's' | 'e' | 'x'; key: string; revision: string | null }>(
    `WITH locked AS (
       INSERT INTO ledger_streams (stream_id, revision)
       SELECT stream_id, -1 FROM unnest($1::text[]) AS t(stream_id) ORDER BY stream_id
       ON CONFLICT (stream_id) DO UPDATE SET revision = ledger_streams.revision
       RETURNING stream_id, revision
     )
     SELECT 's' AS kind, stream_id AS key, revision::text AS revision FROM locked
     UNION ALL SELECT 'e', event_id::text, NULL FROM ledger_events WHERE event_id = ANY($2::uuid[])
     UNION ALL SELECT 'x', pg_current_xact_id()::text, NULL`,
    [sortedStreamIds, eventIds],
  );
  const revisions = new Map<string, bigint>();
  const stored = new Set<string>();
  let transactionId = 0n;
  for (const row of result.rows) {
    if (row.kind === 's') revisions.set(row.key, BigInt(row.revision ?? '-1'));
    else if (row.kind === 'e') stored.add(row.key);
    else transactionId = BigInt(row.key);
  }
  return { revisions, stored, transactionId };
}

function revisionMatches(expected: ExpectedRevision, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current !== -1n;
  return expected === current;
}
