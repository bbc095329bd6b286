import { Client } from 'pg';
import { EsdbEventStore, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { INTERACTION_STREAM_PREFIX } from '@ledger/projections';
import { eventStoreUrl } from '../../apps/ledger/src/config/ledger-config';

/**
 * Where the bench's events live. By default the PostgreSQL store, in the bench's own scratch database. With
 * `EVENTSTORE_URL` set, EventStoreDB at that address, as the service runs with it: the append figures go through
 * `EsdbEventStore`, the service appends there and the projector catches up from there; read models, the COPY
 * baseline and Emmett stay on PostgreSQL (the bench's server or `DATABASE_URL`).
 */
export type EventStoreTarget = { kind: 'postgres' } | { kind: 'esdb'; url: string };

/** EVENTSTORE_URL, checked by the service's own rule (`loadLedgerConfig`): the bench accepts what the service does. */
export function eventStoreTarget(env: NodeJS.ProcessEnv = process.env): EventStoreTarget {
  const parsed = eventStoreUrl('EVENTSTORE_URL').safeParse(env.EVENTSTORE_URL);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data === undefined ? { kind: 'postgres' } : { kind: 'esdb', url: parsed.data };
}

/**
 * What the bench's JSON says of the store: its hosts, never the URL itself, which may carry credentials. A cluster
 * string lists several hosts (`esdb://a:2113,b:2113`), which `URL` cannot parse.
 */
export function describeTarget(target: EventStoreTarget): string {
  if (target.kind === 'postgres') return 'postgres';
  const authority = target.url.replace(/^esdb(\+discover)?:\/\//, '').split(/[/?]/, 1)[0] ?? '';
  return `esdb (${authority.slice(authority.lastIndexOf('@') + 1)})`;
}

export function openEventStore(target: EventStoreTarget, databaseUrl: string, options: { poolSize?: number; pollIntervalMs?: number } = {}): EventStore {
  return target.kind === 'postgres'
    ? new PostgresEventStore({ connectionString: databaseUrl, ...options })
    : new EsdbEventStore({ connectionString: target.url });
}

/** Interaction events in the store and the position of the newest: what a caught-up projector has reached. */
export async function interactionHead(
  target: EventStoreTarget,
  databaseUrl: string,
  pageSize = 4096,
): Promise<{ events: number; position: bigint }> {
  return target.kind === 'postgres' ? postgresInteractionHead(databaseUrl) : esdbInteractionHead(target, pageSize);
}

async function postgresInteractionHead(databaseUrl: string): Promise<{ events: number; position: bigint }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ events: string; position: string | null }>(
      `SELECT count(*) AS events, max(position) AS position FROM ledger_events WHERE stream_id LIKE $1`,
      [`${INTERACTION_STREAM_PREFIX}%`],
    );
    const row = result.rows[0];
    return { events: Number(row?.events ?? 0), position: BigInt(row?.position ?? 0) };
  } finally {
    await client.end();
  }
}

/** EventStoreDB keeps no count by stream prefix: `$all` is read once, forward, in pages of interaction events. */
async function esdbInteractionHead(target: Extract<EventStoreTarget, { kind: 'esdb' }>, pageSize: number): Promise<{ events: number; position: bigint }> {
  // Each page after the first repeats the previous page's last event: a page of one would never move on.
  if (!Number.isInteger(pageSize) || pageSize < 2) throw new RangeError(`pageSize must be an integer of at least 2, got ${pageSize}`);
  const store = new EsdbEventStore({ connectionString: target.url });
  try {
    let events = 0;
    let position = 0n;
    let from: bigint | 'start' = 'start';
    for (;;) {
      const page = await store.readAll({ from, maxCount: pageSize, filter: { streamPrefixes: [INTERACTION_STREAM_PREFIX] } });
      // Reads are inclusive of `from`: every page after the first repeats the previous page's last event.
      const after = from;
      const fresh = after === 'start' ? page : page.filter((event) => event.position > after);
      const last = fresh[fresh.length - 1];
      if (!last) return { events, position };
      events += fresh.length;
      position = last.position;
      from = position;
    }
  } finally {
    await store.close();
  }
}

/**
 * EventStoreDB cannot be emptied or given a scratch database per run as PostgreSQL is: a store that already holds the
 * workload's streams would take the ingest as duplicates and the catch-up would count another run's events. The
 * bench refuses such a store rather than report what it did not measure.
 */
export async function assertWorkloadAbsent(target: EventStoreTarget, streamId: string): Promise<void> {
  if (target.kind !== 'esdb') return;
  const store = new EsdbEventStore({ connectionString: target.url });
  try {
    const found = await store.readStream(streamId, { maxCount: 1 });
    if (found.length > 0) {
      throw new Error(
        `EventStoreDB at EVENTSTORE_URL already holds the workload's stream ${streamId} (an earlier bench run): ` +
          'point the bench at an empty EventStoreDB (a new one started with --mem-db, say)',
      );
    }
  } finally {
    await store.close();
  }
}
