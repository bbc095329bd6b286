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
      const outcomes = await appendAttempt(client, requests);
      await hooks.beforeCommit?.();
      await client.query('COMMIT');
      return outcomes;
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

interface PlannedRow {
  eventId: string;
  streamId: string;
  revision: bigint;
  eventType: string;
  data: string;
  metadata: string;
  request: number;
}

async function appendAttempt(client: PoolClient, requests: AppendRequest[]): Promise<AppendOutcome[]> {
  const allIds = [...new Set(requests.flatMap((request) => request.events.map((event) => event.eventId)))];
  const stored = new Set<string>();
  if (allIds.length > 0) {
    const existing = await client.query<{ event_id: string }>(
      'SELECT event_id FROM ledger_events WHERE event_id = ANY($1::uuid[])',
      [allIds],
    );
    for (const row of existing.rows) stored.add(row.event_id);
  }

  const revisions = await lockStreams(client, [...new Set(requests.map((request) => request.streamId))].sort());
  const rows: PlannedRow[] = [];
  const outcomes: AppendOutcome[] = requests.map((request, index) => {
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
        eventId: event.eventId,
        streamId: request.streamId,
        revision,
        eventType: event.eventType,
        data: JSON.stringify(event.data ?? null),
        metadata: JSON.stringify(event.metadata ?? {}),
        request: index,
      });
    }
    revisions.set(request.streamId, revision);
    return { ok: true, nextExpectedRevision: revision, position: null, appended: fresh.length, duplicates };
  });
  if (rows.length === 0) return outcomes;
  if (rows.length > MAX_EVENTS_PER_TRANSACTION) {
    throw new RangeError(`one append holds ${rows.length} events; at most ${MAX_EVENTS_PER_TRANSACTION} fit in one transaction`);
  }

  const inserted = await client.query<{ event_id: string; position: string }>(
    `INSERT INTO ledger_events (position, event_id, stream_id, revision, event_type, data, metadata)
     SELECT (pg_current_xact_id()::text::bigint << ${POSITION_TRANSACTION_SHIFT}) + t.n, t.event_id, t.stream_id,
            t.revision, t.event_type, t.data, t.metadata
     FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::json[], $6::json[])
          WITH ORDINALITY AS t(event_id, stream_id, revision, event_type, data, metadata, n)
     RETURNING event_id, position`,
    [
      rows.map((row) => row.eventId),
      rows.map((row) => row.streamId),
      rows.map((row) => row.revision.toString()),
      rows.map((row) => row.eventType),
      rows.map((row) => row.data),
      rows.map((row) => row.metadata),
    ],
  );
  const positions = new Map(inserted.rows.map((row) => [row.event_id, BigInt(row.position)]));
  for (const row of rows) {
    const outcome = outcomes[row.request];
    const position = positions.get(row.eventId);
    if (outcome?.ok && position !== undefined && (outcome.position === null || position > outcome.position)) {
      outcome.position = position;
    }
  }

  const touched = [...revisions.entries()];
  await client.query(
    `UPDATE ledger_streams AS s SET revision = v.revision
     FROM unnest($1::text[], $2::bigint[]) AS v(stream_id, revision)
     WHERE s.stream_id = v.stream_id AND s.revision <> v.revision`,
    [touched.map(([streamId]) => streamId), touched.map(([, revision]) => revision.toString())],
  );
  await client.query(`SELECT pg_notify('${EVENTS_CHANNEL}', '')`);
  return outcomes;
}

/** Locks every stream of the batch (creating missing ones) and returns their current revisions (-1n: empty). */
async function lockStreams(client: PoolClient, streamIds: string[]): Promise<Map<string, bigint>> {
  const existing = await client.query<{ stream_id: string; revision: string }>(
    'SELECT stream_id, revision FROM ledger_streams WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE',
    [streamIds],
  );
  const revisions = new Map(existing.rows.map((row) => [row.stream_id, BigInt(row.revision)]));
  const missing = streamIds.filter((streamId) => !revisions.has(streamId));
  if (missing.length === 0) return revisions;
  const created = await client.query<{ stream_id: string }>(
    'INSERT INTO ledger_streams (stream_id, revision) SELECT unnest($1::text[]), -1 ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id',
    [missing],
  );
  for (const row of created.rows) revisions.set(row.stream_id, -1n);
  // Streams another batch created meanwhile: the insert above waited for that batch to commit, so they can now be
  // locked and read like any existing stream.
  const raced = missing.filter((streamId) => !revisions.has(streamId));
  if (raced.length > 0) {
    const locked = await client.query<{ stream_id: string; revision: string }>(
      'SELECT stream_id, revision FROM ledger_streams WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE',
      [raced],
    );
    for (const row of locked.rows) revisions.set(row.stream_id, BigInt(row.revision));
  }
  return revisions;
}

function revisionMatches(expected: ExpectedRevision, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current !== -1n;
  return expected === current;
}
