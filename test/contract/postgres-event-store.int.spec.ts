import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE_MIGRATIONS, PostgresEventStore, runMigrations, type AppendRequest } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { describeEventStoreContract } from './event-store-contract';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
  const store = new PostgresEventStore({ connectionString: database.url, pollIntervalMs: 200 });
  return {
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
});

describe('PostgreSQL store: concurrent batches over overlapping streams', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await createTestDatabase();
    await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 6 });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  async function deadlocks(): Promise<number> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()');
      return Number(result.rows[0]?.deadlocks ?? 0);
    } finally {
      await client.end();
    }
  }

  it('never deadlocks, whichever streams are new and whichever already exist, and numbers every stream without gaps', async () => {
    // Half the streams exist before the race; each batch mixes existing and new ones in a random order, so a store
    // that locked existing streams before creating new ones would lock in different orders in different batches.
    const streams = Array.from({ length: 24 }, (_, index) => `race-${index}-${randomUUID()}`);
    await store.appendMany(streams.filter((_, index) => index % 2 === 0).map((streamId) => ({ streamId, events: [event()] })));
    const before = await deadlocks();
    const batch = (): AppendRequest[] =>
      [...streams].sort(() => Math.random() - 0.5).slice(0, 12).map((streamId) => ({ streamId, events: [event(), event()] }));
    const rounds = await Promise.all(Array.from({ length: 6 }, async () => {
      const outcomes = [];
      for (let round = 0; round < 8; round++) outcomes.push(...(await store.appendMany(batch())));
      return outcomes;
    }));
    expect(rounds.flat().every((outcome) => outcome.ok && outcome.appended === 2)).toBe(true);
    for (const streamId of streams) {
      const revisions = (await store.readStream(streamId)).map((recorded) => Number(recorded.revision));
      expect(revisions).toEqual(revisions.map((_, index) => index));
    }
    // The statistics of the backends that ran the batches reach pg_stat_database when they next report (≤ 1 s idle).
    await store.close();
    store = new PostgresEventStore({ connectionString: database.url });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await deadlocks()).toBe(before);
  });
});

function event() {
  return { eventId: randomUUID(), eventType: 'test.event', data: { n: Math.random() }, metadata: {} };
}
