import type { PoolClient } from 'pg';
import { binaryTextArray, binaryUuidArray } from './binary-arrays';
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
 *
 * A batch that expects nothing of its streams (every request `any`, as ingest sends them) goes in one round trip,
 * with revisions numbered by PostgreSQL: the stream locks are then held for PostgreSQL's work alone, not across a
 * reply waiting on a busy event loop, and concurrent batches over the same streams queue for less time. A batch
 * with an expectation needs its streams' revisions before it can decide, so it takes two.
 */
export async function appendInOneTransaction(
  client: PoolClient,
  requests: AppendRequest[],
  hooks: AppendHooks = {},
): Promise<AppendOutcome[]> {
  const appendOnce: AppendOnce = isUnconditional(requests)
    ? unconditionalAppend(requests)
    : (connection, { beforeCommit }) => appendAttempt(connection, requests, { beforeCommit });
  for (let attempt = 1; ; attempt++) {
    try {
      return await appendOnce(client, hooks);
    } catch (error) {
      // Also ends a transaction that never began (the first round trip failed before its BEGIN): a warning, no error.
      await client.query('ROLLBACK').catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE_CODES.has(code)) throw error;
    }
  }
}

/** One attempt at the whole batch: rolled back by the caller when it throws. */
type AppendOnce = (client: PoolClient, hooks: AppendHooks) => Promise<AppendOutcome[]>;

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
 * Two round trips: BEGIN, lock the streams, look up the batch's event ids; then insert the events, move the stream
 * revisions, notify and COMMIT. Each goes as one simple-protocol query of several statements (values inlined as
 * escaped literals): on a busy event loop every round trip also waits for its reply to be read, so round trips, not
 * rows, are what an append spends its time on. A failing statement skips the rest of its query (COMMIT included)
 * and leaves the transaction aborted for the caller's ROLLBACK.
 */
async function appendAttempt(client: PoolClient, requests: AppendRequest[], hooks: AppendHooks): Promise<AppendOutcome[]> {
  const allIds = [...new Set(requests.flatMap((request) => request.events.map((event) => event.eventId)))];
  const { revisions, stored, transactionId } = await beginAndLockStreams(
    client,
    [...new Set(requests.map((request) => request.streamId))].sort(),
    allIds,
  );
  const rows: PlannedRow[] = [];
  const outcomes: AppendOutcome[] = requests.map((request) => {
    const current = revisions.get(request.streamId) ?? -1n;
    const inRequest = new Set<string>();
    // PostgreSQL returns stored uuids in lower case.
    const fresh = request.events.filter((event) => {
      const id = event.eventId.toLowerCase();
      const isNew = !stored.has(id) && !inRequest.has(id);
      inRequest.add(id);
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
      stored.add(event.eventId.toLowerCase());
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
  const commit = rows.length > 0 ? `SELECT pg_notify('${EVENTS_CHANNEL}', ''); COMMIT` : 'COMMIT';
  const insert = rows.length > 0 ? insertEventsSql(rows, [...revisions.entries()]) : null;
  if (hooks.beforeCommit) {
    if (insert) await client.query(insert);
    await hooks.beforeCommit();
    await client.query(commit);
  } else {
    // NOTIFY is delivered only if COMMIT succeeds.
    await client.query(insert ? `${insert}; ${commit}` : commit);
  }
  return outcomes;
}

const POSITION_SHIFT = BigInt(POSITION_TRANSACTION_SHIFT);

/** Every request appends whatever its stream holds (`any`), and the batch fits in one transaction. */
function isUnconditional(requests: readonly AppendRequest[]): boolean {
  let events = 0;
  for (const request of requests) {
    if ((request.expectedRevision ?? 'any') !== 'any') return false;
    events += request.events.length;
  }
  return events <= MAX_EVENTS_PER_TRANSACTION;
}

/**
 * The one-round-trip append: one call of `ledger_append_any_arrays` (migration AppendTakesArrays1733500000000): the
 * ids, streams and types bound as arrays in PostgreSQL's binary format, the bodies and the metadata each as one JSON
 * array; the statement is its own transaction. The function locks the streams, then, in statements of its own (fresh
 * snapshots, taken once the locks are held), drops stored and repeated ids, numbers and inserts the rest, moves the
 * stream revisions and notifies. The parameters are built once, before any lock is taken, and serve every retry. The
 * outcomes are then read from the locked revisions and the inserted rows, as the two-round-trip path would have
 * reported them.
 */
function unconditionalAppend(requests: AppendRequest[]): AppendOnce {
  const eventIds: string[] = [];
  const streamIds: string[] = [];
  const eventTypes: string[] = [];
  const bodies: unknown[] = [];
  const metadatas: unknown[] = [];
  for (const request of requests) {
    for (const event of request.events) {
      eventIds.push(event.eventId);
      streamIds.push(request.streamId);
      eventTypes.push(event.eventType);
      bodies.push(event.data ?? null);
      metadatas.push(event.metadata ?? {});
    }
  }
  const call = {
    text: `SELECT kind, id, revision::text AS revision, event_position::text AS position
             FROM ledger_append_any_arrays($1::uuid[], $2::text[], $3::text[], $4::json, $5::json, $6::text[])`,
    values: [
      binaryUuidArray(eventIds),
      binaryTextArray(streamIds),
      binaryTextArray(eventTypes),
      JSON.stringify(bodies),
      JSON.stringify(metadatas),
      [...new Set(requests.map((request) => request.streamId))].sort(),
    ],
  };
  return async (client, hooks) => {
    let result: { rows: { kind: string; id: string; revision: string; position: string | null }[] };
    if (hooks.beforeCommit) {
      await client.query('BEGIN');
      result = await client.query(call);
      await hooks.beforeCommit();
      await client.query('COMMIT');
    } else {
      result = await client.query(call);
    }
    const revisions = new Map<string, bigint>();
    const inserted = new Map<string, { revision: bigint; position: bigint }>();
    for (const row of result.rows) {
      if (row.kind === 's') revisions.set(row.id, BigInt(row.revision));
      else inserted.set(row.id, { revision: BigInt(row.revision), position: BigInt(row.position as string) });
    }
    return unconditionalOutcomes(requests, revisions, inserted);
  };
}

/**
 * Outcomes in request order: an event counts as appended by the first request carrying its id when PostgreSQL
 * inserted it, and as a duplicate everywhere else. uuid ids compare case-insensitively in PostgreSQL, and come back
 * in lower case.
 */
function unconditionalOutcomes(
  requests: readonly AppendRequest[],
  revisions: Map<string, bigint>,
  inserted: ReadonlyMap<string, { revision: bigint; position: bigint }>,
): AppendOutcome[] {
  const claimed = new Set<string>();
  return requests.map((request) => {
    let revision = revisions.get(request.streamId) ?? -1n;
    let position: bigint | null = null;
    let appended = 0;
    for (const event of request.events) {
      const id = event.eventId.toLowerCase();
      const row = inserted.get(id);
      if (!row || claimed.has(id)) continue;
      claimed.add(id);
      appended += 1;
      revision = row.revision;
      position = row.position;
    }
    revisions.set(request.streamId, revision);
    return { ok: true, nextExpectedRevision: revision, position, appended, duplicates: request.events.length - appended };
  });
}

/**
 * BEGIN, then locks every stream of the batch, creating missing ones, in one statement and in stream order: an
 * upsert takes the row lock of an existing stream and waits for a racing creator, so two batches always lock in the
 * same order and never deadlock. Then, in a statement of its own, which of `eventIds` are stored, and the
 * transaction id positions derive from. Its own statement means its own snapshot, taken once the locks are held: a
 * batch that stored some of these ids in these streams has committed by then, so its ids are seen (an event id
 * belongs to one stream). Only an id stored under another stream can still fail the unique key; the batch is then
 * retried.
 */
async function beginAndLockStreams(
  client: PoolClient,
  sortedStreamIds: string[],
  eventIds: string[],
): Promise<{ revisions: Map<string, bigint>; stored: Set<string>; transactionId: bigint }> {
  const results = (await client.query(
    `BEGIN;
     INSERT INTO ledger_streams (stream_id, revision)
     SELECT stream_id, -1 FROM unnest(${textArray(sortedStreamIds)}) AS t(stream_id) ORDER BY stream_id
     ON CONFLICT (stream_id) DO UPDATE SET revision = ledger_streams.revision
     RETURNING stream_id, revision::text AS revision;
     SELECT event_id::text AS event_id, pg_current_xact_id()::text AS xid FROM ledger_events WHERE event_id = ANY(${textArray(eventIds)}::uuid[])
     UNION ALL SELECT NULL, pg_current_xact_id()::text`,
  )) as unknown as { rows: Record<string, string | null>[] }[];
  const [, locked, found] = results;
  const revisions = new Map<string, bigint>();
  for (const row of locked?.rows ?? []) revisions.set(row['stream_id'] as string, BigInt(row['revision'] ?? '-1'));
  const stored = new Set<string>();
  let transactionId = 0n;
  for (const row of found?.rows ?? []) {
    if (row['event_id'] !== null) stored.add(row['event_id'] as string);
    transactionId = BigInt(row['xid'] as string);
  }
  return { revisions, stored, transactionId };
}

/** One JSON document for all rows: bodies are serialised once, then escaped once as a literal. */
function insertEventsSql(rows: PlannedRow[], touched: [string, bigint][]): string {
  return `WITH moved AS (
       UPDATE ledger_streams AS s SET revision = v.revision
       FROM unnest(${textArray(touched.map(([streamId]) => streamId))}, ${textArray(touched.map(([, revision]) => revision.toString()))}::bigint[])
            AS v(stream_id, revision)
       WHERE s.stream_id = v.stream_id AND s.revision <> v.revision
     )
     INSERT INTO ledger_events (position, event_id, stream_id, revision, event_type, data, metadata)
     SELECT (pg_current_xact_id()::text::bigint << ${POSITION_TRANSACTION_SHIFT}) + t.n, t.event_id, t.stream_id,
            t.revision, t.event_type, coalesce(t.data, 'null'::json), t.metadata
     FROM ROWS FROM (json_to_recordset(${sqlLiteral(JSON.stringify(rows))}::json)
                     AS (event_id uuid, stream_id text, revision bigint, event_type text, data json, metadata json))
          WITH ORDINALITY AS t(event_id, stream_id, revision, event_type, data, metadata, n)`;
}

/** `ARRAY['a', 'b']::text[]` with every element escaped (`'{}'::text[]` when empty). */
function textArray(values: readonly string[]): string {
  return values.length === 0 ? `'{}'::text[]` : `ARRAY[${values.map(sqlLiteral).join(', ')}]::text[]`;
}

/**
 * A string as an SQL literal, like pg's `escapeLiteral` (quotes doubled; with a backslash, the E'' form with
 * backslashes doubled, right whatever standard_conforming_strings says) but with native replaces: pg's loop over
 * characters took milliseconds for a batch's JSON document.
 */
export function sqlLiteral(value: string): string {
  const quoted = value.replaceAll("'", "''");
  return value.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

function revisionMatches(expected: ExpectedRevision, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current !== -1n;
  return expected === current;
}
