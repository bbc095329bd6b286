import { normaliseMessage, type CanonicalEvent } from '@ledger/domain';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, runMigrations, type EventStore } from '@ledger/event-store';
import { READ_MODEL_MIGRATIONS } from '@ledger/projections';
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
      `SELECT conversation_id, started_at, ended_at, phase, queue_ids, user_ids, wrapup_codes, abandoned, state, fold_key, event_count
       FROM interactions ORDER BY conversation_id`,
    );
    const events = await client.query('SELECT event_id, conversation_id, event_type, event_time, data FROM interaction_events ORDER BY event_id');
    const contributions = await client.query('SELECT * FROM queue_contributions ORDER BY conversation_id, queue_id, interval_start');
    const intervals = await client.query('SELECT * FROM queue_intervals ORDER BY queue_id, interval_start');
    return { interactions: interactions.rows, events: events.rows, contributions: contributions.rows, intervals: intervals.rows };
  } finally {
    await client.end();
  }
}

export async function truncateReadModels(connectionString: string): Promise<void> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('TRUNCATE interactions__v1, interaction_events__v1, queue_contributions__v1, queue_intervals__v1, projection_checkpoints');
  } finally {
    await client.end();
  }
}
