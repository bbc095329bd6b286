import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CanonicalEvent } from '@ledger/domain';
import { EVENT_STORE_MIGRATIONS, runMigrations, type AppendRequest } from '@ledger/event-store';
import { openEventStore, type EventStoreTarget } from './event-store-target';
import { elapsedMs } from './stats';

export interface ThroughputRun {
  events: number;
  ms: number;
  eps: number;
}

/**
 * `appendMany` through the EventStore port, one batch per call. `writers` batches are in flight at once (1: a
 * single client waiting for each commit). PostgreSQL: the store starts empty, in a fresh database with its
 * migrations applied. EventStoreDB, which cannot be emptied: every stream gets a prefix of its own for this run
 * (`runTag`), so no run appends to another's streams.
 */
export async function appendThroughPort(
  target: EventStoreTarget,
  databaseUrl: string,
  batches: readonly AppendRequest[][],
  writers: number,
  runTag: string,
): Promise<ThroughputRun> {
  if (target.kind === 'postgres') await runMigrations(databaseUrl, EVENT_STORE_MIGRATIONS);
  else batches = batches.map((batch) => batch.map((request) => ({ ...request, streamId: `${runTag}-${request.streamId}` })));
  const store = openEventStore(target, databaseUrl, { poolSize: Math.max(8, writers) });
  try {
    const events = batches.reduce((sum, batch) => sum + batch.reduce((n, request) => n + request.events.length, 0), 0);
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < batches.length) {
          const batch = batches[next++] as AppendRequest[];
          await store.appendMany(batch);
        }
      }),
    );
    const ms = elapsedMs(started);
    return { events, ms, eps: (events / ms) * 1000 };
  } finally {
    await store.close();
  }
}

export interface CopyPayload {
  rows: number;
  /** COPY text, `rowsPerChunk` lines a chunk. */
  chunks: Buffer[];
}

/** The same rows the store ends up holding, as COPY text in chunks of `rowsPerChunk` lines (built before the clock starts). */
export function copyPayload(events: readonly CanonicalEvent[], rowsPerChunk = 1000): CopyPayload {
  const seen = new Set<string>();
  const revisions = new Map<string, number>();
  const escape = (text: string): string => text.replace(/\\/g, '\\\\');
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  let position = 0;
  for (const event of events) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    const revision = (revisions.get(event.streamId) ?? -1) + 1;
    revisions.set(event.streamId, revision);
    position += 1;
    lines.push(
      `${position}\t${event.eventId}\t${escape(event.streamId)}\t${revision}\t${escape(event.eventType)}\t` +
        `${escape(JSON.stringify(event.data))}\t${escape(JSON.stringify(event.metadata))}\n`,
    );
    if (lines.length === rowsPerChunk) {
      chunks.push(Buffer.from(lines.join('')));
      lines = [];
    }
  }
  if (lines.length > 0) chunks.push(Buffer.from(lines.join('')));
  return { rows: seen.size, chunks };
}

const COPY_COLUMNS = '(position, event_id, stream_id, revision, event_type, data, metadata)';

const createBareTable = (client: Client) =>
  client.query(`CREATE TABLE bare_events (
    position bigint, event_id uuid, stream_id text, revision bigint, event_type text, data json, metadata json,
    recorded_at timestamptz DEFAULT now())`);

/** The physical limit: COPY of the same rows into a table with the same columns and no index or constraint. */
export async function copyIntoBareTable(databaseUrl: string, payload: CopyPayload): Promise<ThroughputRun> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await createBareTable(client);
    const started = process.hrtime.bigint();
    const copy = client.query(copyFrom(`COPY bare_events ${COPY_COLUMNS} FROM STDIN`));
    await pipeline(Readable.from(payload.chunks), copy);
    const ms = elapsedMs(started);
    if (copy.rowCount !== payload.rows) throw new Error(`COPY loaded ${copy.rowCount} rows, expected ${payload.rows}`);
    return { events: payload.rows, ms, eps: (payload.rows / ms) * 1000 };
  } finally {
    await client.end();
  }
}

/**
 * What a durable commit every chunk costs `COPY` itself: one `COPY` a chunk, each its own transaction (committed and
 * flushed before the next begins), one writer. Into the bare table (`bare`), or into the store's own `ledger_events`
 * with its three unique keys (`store`, its migrations applied first): with 100-row chunks, the most an append of 100
 * events a transaction could reach here if its bookkeeping (stream locks, duplicate check, numbering) cost nothing.
 */
export async function copyInTransactions(databaseUrl: string, payload: CopyPayload, into: 'bare' | 'store'): Promise<ThroughputRun> {
  if (into === 'store') await runMigrations(databaseUrl, EVENT_STORE_MIGRATIONS);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (into === 'bare') await createBareTable(client);
    const table = into === 'bare' ? 'bare_events' : 'ledger_events';
    let loaded = 0;
    const started = process.hrtime.bigint();
    for (const chunk of payload.chunks) {
      const copy = client.query(copyFrom(`COPY ${table} ${COPY_COLUMNS} FROM STDIN`));
      await pipeline(Readable.from([chunk]), copy);
      loaded += copy.rowCount ?? 0;
    }
    const ms = elapsedMs(started);
    if (loaded !== payload.rows) throw new Error(`COPY loaded ${loaded} rows, expected ${payload.rows}`);
    return { events: payload.rows, ms, eps: (payload.rows / ms) * 1000 };
  } finally {
    await client.end();
  }
}
