import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendInOneTransaction, EVENT_STORE_MIGRATIONS, PostgresEventStore, runMigrations, type AppendRequest } from '@ledger/event-store';
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
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 8 });
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
    // Every round, half of a fresh set of streams exists before the race and each writer's batch mixes existing and
    // new ones in a random order: a store that locked existing streams before creating new ones would lock in
    // different orders in different batches.
    const before = await deadlocks();
    const streams: string[] = [];
    for (let round = 0; round < 20; round++) {
      const roundStreams = Array.from({ length: 48 }, (_, index) => `race-${round}-${index}-${randomUUID()}`);
      streams.push(...roundStreams);
      await store.appendMany(roundStreams.filter((_, index) => index % 2 === 0).map((streamId) => ({ streamId, events: [event()] })));
      const batch = (): AppendRequest[] =>
        [...roundStreams].sort(() => Math.random() - 0.5).slice(0, 24).map((streamId) => ({ streamId, events: [event(), event()] }));
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.appendMany(batch())));
      expect(outcomes.flat().every((outcome) => outcome.ok && outcome.appended === 2)).toBe(true);
    }
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

  it('reports a retry that raced its own original past the stream lock as duplicates, not as a revision conflict', async () => {
    const streamId = `retry-${randomUUID()}`;
    await store.appendToStream(streamId, [event()]);
    const request: AppendRequest = { streamId, events: [event(), event()], expectedRevision: 0n };
    // The original holds the stream's lock until released; the retry starts meanwhile and waits for that lock.
    const pool = new Pool({ connectionString: database.url, max: 1 });
    pool.on('error', () => undefined); // an idle client closed by the FORCE drop after the suite is no failure
    const client = await pool.connect();
    let release: () => void = () => undefined;
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const original = appendInOneTransaction(client, [request], {
      beforeCommit: () => {
        holding();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    await held;
    const retry = store.appendMany([request]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await original).toEqual([expect.objectContaining({ ok: true, appended: 2, nextExpectedRevision: 2n })]);
    expect(await retry).toEqual([expect.objectContaining({ ok: true, appended: 0, duplicates: 2, nextExpectedRevision: 2n })]);
    client.release();
    await pool.end();
    expect((await store.readStream(streamId)).map((recorded) => recorded.revision)).toEqual([0n, 1n, 2n]);
  });
});


function event() {
  return { eventId: randomUUID(), eventType: 'test.event', data: { n: Math.random() }, metadata: {} };
}
