import { normaliseMessage, type CanonicalEvent } from '@ledger/domain';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, runMigrations, type EventStore } from '@ledger/event-store';
import { READ_MODEL_MIGRATIONS, interactionTables } from '@ledger/projections';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './test-database';

/** Ingest's normalisation without HTTP: Genesys messages (or EventBridge events) → canonical events. */
export function toCanonicalEvents(messages: unknown[], receivedAt = new Date()): CanonicalEvent[] {
  return messages.flatMap((message) => {
    const result = normaliseMessage(message, { source: 'eventbridge', receivedAt });
    if (result.outcome !== 'event') throw new Error(`fixture did not normalise: ${JSON.stringify(result)}`);
    return [result.event];
  });
}

export async function appendCanonical(store: EventStore, events: CanonicalEvent[]): Promise<void> {
  for (let offset = 0; offset < events.length; offset += 500) {
    await store.appendMany(
      events.slice(offset, offset + 500).map((event) => ({
        streamId: event.streamId,
        events: [{ eventId: event.eventId, eventType: event.eventType, data: event.data, metadata: event.metadata }],
      })),
    );
  }
}

export interface StoreDatabase {
  database: TestDatabase;
  store: PostgresEventStore;
  dispose(): Promise<void>;
}

/** A fresh database with the event store and read-model schema. */
export async function createStoreDatabase(): Promise<StoreDatabase> {
  const database = await createTestDatabase();
  await runMigrations(database.url, [...EVENT_STORE_MIGRATIONS, ...READ_MODEL_MIGRATIONS]);
  const store = new PostgresEventStore({ connectionString: database.url, pollIntervalMs: 100 });
  return {
    database,
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
}

/** Everything the read models hold, in a comparable order (timestamps of bookkeeping left out). */
export async function dumpReadModels(connectionString: string): Promise<Record<string, unknown[]>> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const interactions = await client.query(
      `SELECT conversation_id, started_at, ended_at, phase, queue_ids, user_ids, wrapup_codes, abandoned, state, metrics, fold_key, event_count
       FROM interactions ORDER BY conversation_id`,
    );
    const events = await client.query('SELECT event_id, conversation_id, event_type, event_time, data FROM interaction_events ORDER BY event_id');
    const contributions = await client.query('SELECT * FROM queue_contributions ORDER BY conversation_id, queue_id, interval_start');
    const intervals = await client.query('SELECT * FROM queue_intervals ORDER BY queue_id, interval_start');
    // Without sort_time, as for interactions: the first batch to see a conversation fixes it, so it depends on the
    // batching (queueLookupDrift checks the lookup rows carry their row's sort_time).
    const queues = await client.query('SELECT queue_id, conversation_id FROM interaction_queues ORDER BY queue_id, conversation_id');
    return { interactions: interactions.rows, events: events.rows, contributions: contributions.rows, intervals: intervals.rows, queues: queues.rows };
  } finally {
    await client.end();
  }
}

export async function truncateReadModels(connectionString: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query(`TRUNCATE ${[...Object.values(interactionTables(1)), 'projection_checkpoints'].join(', ')}`);
  } finally {
    await client.end();
  }
}

/**
 * Where a version's queue lookup rows and its interactions' `queue_ids` disagree: pairs missing from the lookup
 * table, pairs it has that no row has (a queue left behind, a wrong sort_time), and lookup rows whose list item is
 * not their interaction's (`staleItems`), each as `queue conversation`.
 */
export async function queueLookupDrift(
  client: Client,
  tables: { interactions: string; queues: string },
): Promise<{ missing: string[]; extra: string[]; staleItems: string[] }> {
  const expected = `SELECT queue_id, sort_time, conversation_id FROM ${tables.interactions}, unnest(queue_ids) AS queue_id`;
  const actual = `SELECT queue_id, sort_time, conversation_id FROM ${tables.queues}`;
  const missing = await client.query<{ pair: string }>(`SELECT queue_id || ' ' || conversation_id AS pair FROM (${expected} EXCEPT ${actual}) d ORDER BY 1`);
  const extra = await client.query<{ pair: string }>(`SELECT queue_id || ' ' || conversation_id AS pair FROM (${actual} EXCEPT ${expected}) d ORDER BY 1`);
  const staleItems = await client.query<{ pair: string }>(
    `SELECT q.queue_id || ' ' || q.conversation_id AS pair FROM ${tables.queues} q JOIN ${tables.interactions} i USING (conversation_id)
     WHERE q.list_item IS DISTINCT FROM i.list_item ORDER BY 1`,
  );
  return { missing: missing.rows.map((row) => row.pair), extra: extra.rows.map((row) => row.pair), staleItems: staleItems.rows.map((row) => row.pair) };
}
