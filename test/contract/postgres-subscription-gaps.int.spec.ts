import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendInOneTransaction, EVENT_STORE_MIGRATIONS, PostgresEventStore, runMigrations, type RecordedEvent } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { newEvent } from './event-store-contract';

/**
 * The sequence-gap problem: a transaction that took an earlier number but commits later must still be delivered,
 * exactly once, to a subscriber that already saw later events.
 */
describe('PostgreSQL subscription under interleaved, delayed transactions', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let writers: Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore({ connectionString: database.url, pollIntervalMs: 50 });
    writers = new Pool({ connectionString: database.url, max: 40 });
    // The database is dropped WITH (FORCE) after the test: a client still closing then sees 57P01, which is no failure.
    writers.on('error', () => undefined);
  });
  afterAll(async () => {
    await writers.end();
    await store.close();
    await database.drop();
  });

  it('delivers every event exactly once, in position order, though commits finish out of order', async () => {
    const subscription = store.subscribeToAll({ maxBatchSize: 5 });
    const seen: RecordedEvent[] = [];
    const total = 30 * 3;
    const reading = (async () => {
      for await (const message of subscription) {
        if (message.type === 'events') seen.push(...message.events);
        if (seen.length >= total) break;
      }
    })();

    const commitOrder: bigint[] = [];
    // Writer i opens its transaction ~i*5 ms in and holds it for a random time, so earlier transactions (lower
    // positions) often commit after later ones while the subscriber is reading.
    await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        await sleep(index * 5);
        const client = await writers.connect();
        try {
          const [outcome] = await appendInOneTransaction(
            client,
            [{ streamId: `interaction-gap-${index}`, events: [newEvent(), newEvent(), newEvent()] }],
            { beforeCommit: () => sleep(index === 0 ? 600 : Math.floor(Math.random() * 200)) },
          );
          if (outcome?.ok && outcome.position !== null) commitOrder.push(outcome.position);
        } finally {
          client.release();
        }
      }),
    );
    const timeout = setTimeout(() => void subscription.close(), 20_000);
    await reading;
    clearTimeout(timeout);
    await subscription.close();

    // The scenario really happened: some transaction with a lower position committed after a higher one.
    expect(commitOrder.some((position, index) => commitOrder.slice(0, index).some((earlier) => earlier > position))).toBe(true);
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((event) => event.eventId)).size).toBe(total);
    const positions = seen.map((event) => event.position);
    expect(positions.every((position, index) => index === 0 || position > (positions[index - 1] as bigint))).toBe(true);
  });

  it('does not announce caughtUp while committed events wait behind an older transaction, and delivers them once it ends', async () => {
    const from = (await store.headPosition()) ?? 'start';
    // A writing transaction (it holds an id) opened before the appends and left open: the horizon stays below them.
    const holder = await writers.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_current_xact_id()');
    const messages: { type: string; ids?: string[]; position?: bigint | null }[] = [];
    const subscription = store.subscribeToAll({ from, maxBatchSize: 10 });
    let reading: Promise<void> = Promise.resolve();
    try {
      const appended = await store.appendToStream('interaction-held-back', [newEvent(), newEvent()]);
      reading = (async () => {
        for await (const message of subscription) {
          messages.push(message.type === 'events' ? { type: 'events', ids: message.events.map((event) => event.eventId) } : message);
          if (message.type === 'caughtUp') break;
        }
      })();
      // Several of the subscription's looks at the store (every 50 ms while held back): nothing to deliver, and no claim of being caught up.
      await sleep(400);
      expect(messages).toEqual([]);

      await holder.query('COMMIT');
      const timeout = setTimeout(() => void subscription.close(), 20_000);
      await reading;
      clearTimeout(timeout);
      expect(messages.map((message) => message.type)).toEqual(['events', 'caughtUp']);
      expect(messages[0]?.ids).toHaveLength(2);
      expect(messages[1]?.position).toBe(appended.position);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
      await subscription.close();
      await reading;
    }
  });
});
