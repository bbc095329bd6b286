import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectionManager, RebuildConflictError, interactionTables, readRebuildRows, requestRebuild } from '@ledger/projections';
import { generateTraffic } from '../../apps/cli/src/simulate/generate-traffic';
import { appendCanonical, createStoreDatabase, queueLookupDrift, toCanonicalEvents, type StoreDatabase } from '../support/pipeline';

async function dumpVersion(client: Client, version: number): Promise<unknown[]> {
  const t = interactionTables(version);
  const interactions = await client.query(`SELECT conversation_id, state, fold_key, event_count, stale FROM ${t.interactions} ORDER BY conversation_id`);
  const events = await client.query(`SELECT event_id, conversation_id, event_time, data FROM ${t.events} ORDER BY event_id`);
  const intervals = await client.query(`SELECT * FROM ${t.intervals} ORDER BY queue_id, interval_start`);
  // sort_time depends on how events were batched when a row was first written: checked against the row, not compared.
  const queues = await client.query(`SELECT queue_id, conversation_id FROM ${t.queues} ORDER BY queue_id, conversation_id`);
  expect(await queueLookupDrift(client, t)).toEqual({ missing: [], extra: [], staleItems: [] });
  return [interactions.rows, events.rows, intervals.rows, queues.rows];
}

describe('blue-green rebuild', () => {
  let db: StoreDatabase;
  let client: Client;
  let pool: Pool;
  const traffic = generateTraffic({ seed: 17, conversations: 400, startTime: new Date('2026-09-01T09:00:00Z'), targetEventsPerConversation: 30 });
  const later = generateTraffic({ seed: 18, conversations: 100, startTime: new Date('2026-09-01T12:00:00Z') });

  const activeVersion = async () => (await client.query<{ active_version: number }>("SELECT active_version FROM projection_versions WHERE projection = 'interactions'")).rows[0]?.active_version;
  const waitForRebuild = async (phase: string) => {
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(50)) {
      const latest = (await readRebuildRows(pool, 'interactions'))[0];
      if (latest?.phase === 'failed') throw new Error(`rebuild failed: ${latest.error}`);
      if (latest?.phase === phase) return latest;
    }
    throw new Error(`rebuild never reached ${phase}`);
  };

  beforeAll(async () => {
    db = await createStoreDatabase();
    client = new Client({ connectionString: db.database.url });
    await client.connect();
    pool = new Pool({ connectionString: db.database.url, max: 4 });
    await appendCanonical(db.store, toCanonicalEvents(traffic.deliveries));
  });
  afterAll(async () => {
    await pool?.end();
    await client?.end();
    await db?.dispose();
  });

  it('fills the next version beside the serving one and swaps atomically while queries and ingest run', async () => {
    // The fill is paced (the service waits for the API's requests there); the active version's catch-up is not.
    let paced = 0;
    const fillPace = async () => void (paced += 1);
    const manager = new ProjectionManager(db.store, { connectionString: db.database.url, pollMs: 100, batchSize: 1000, fillPace });
    await manager.start();
    try {
      for (const deadline = Date.now() + 60_000; ; await sleep(50)) {
        const status = manager.statuses().get(1);
        if (status?.phase === 'live' && status.position === (await db.store.headPosition())?.toString()) break;
        if (Date.now() > deadline) throw new Error('v1 never caught up');
      }
      const activeCaughtUp = manager.statuses().get(1)?.eventsApplied ?? 0;
      expect(activeCaughtUp).toBeGreaterThan(2000);
      expect(paced).toBe(0);
      const rebuild = await requestRebuild(pool, 'interactions', 1, 'test');
      expect(rebuild.target_version).toBe(2);
      await expect(requestRebuild(pool, 'interactions', 1, 'test again')).rejects.toBeInstanceOf(RebuildConflictError);

      // Readers hammer the view and writers keep appending during the whole rebuild.
      let reading = true;
      const failures: unknown[] = [];
      const counts: number[] = [];
      const readers = Array.from({ length: 3 }, async () => {
        while (reading) {
          try {
            const result = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions');
            counts.push(result.rows[0]?.n ?? -1);
          } catch (error) {
            failures.push(error);
          }
        }
      });
      const writer = appendCanonical(db.store, toCanonicalEvents(later.deliveries));
      try {
        await waitForRebuild('done');
        await writer;
      } finally {
        // Also when the rebuild fails: readers left looping on a closed pool would pile up errors until the worker died.
        reading = false;
        await Promise.all([...readers, writer.catch(() => undefined)]);
      }

      expect(failures).toEqual([]);
      // A pace before each full batch of the fill, at least for those the active version had caught up on.
      expect(paced).toBeGreaterThanOrEqual(Math.floor(activeCaughtUp / 1000));
      expect(counts.length).toBeGreaterThan(10);
      // Never an empty or half-built table: every read saw at least everything projected before the rebuild began.
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(traffic.conversations.length);
      expect(await activeVersion()).toBe(2);

      // v2 keeps following live events, and so does v1 during its grace period: both end up identical.
      const head = (await db.store.headPosition())?.toString();
      for (const deadline = Date.now() + 60_000; ; await sleep(50)) {
        const statuses = manager.statuses();
        if (statuses.get(1)?.position === head && statuses.get(2)?.position === head) break;
        if (Date.now() > deadline) throw new Error(`versions did not catch up: ${JSON.stringify([...statuses])}`);
      }
      expect(await dumpVersion(client, 2)).toEqual(await dumpVersion(client, 1));
      const view = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions');
      expect(view.rows[0]?.n).toBe(traffic.conversations.length + later.conversations.length);
      // The queue lookup view moved with the others.
      const served = await client.query<{ view: string; definition: string }>(
        "SELECT viewname AS view, definition FROM pg_views WHERE viewname IN ('interactions', 'interaction_queues') ORDER BY viewname",
      );
      expect(served.rows.map((row) => [row.view, /__v(\d+)/.exec(row.definition)?.[1]])).toEqual([
        ['interaction_queues', '2'],
        ['interactions', '2'],
      ]);
    } finally {
      await manager.stop();
    }
  });

  it('rebuilds by itself when the code version is above the active one, resuming a rebuild left half done', async () => {
    const definition = { version: 2, extensions: [] };
    const first = new ProjectionManager(db.store, { connectionString: db.database.url, pollMs: 100, definition });
    await first.start();
    await waitForRebuild('filling');
    // Stop in the middle of the fill; the next instance resumes from the rebuild's own checkpoint.
    await sleep(50);
    await first.stop();
    const resumed = new ProjectionManager(db.store, { connectionString: db.database.url, pollMs: 100, definition });
    await resumed.start();
    try {
      const done = await waitForRebuild('done');
      expect(done.target_version).toBe(3);
      expect(done.reason).toContain('code version 2');
      const row = (await client.query<{ active_version: number; active_code_version: number }>("SELECT active_version, active_code_version FROM projection_versions")).rows[0];
      expect(row).toEqual({ active_version: 3, active_code_version: 2 });
      expect((await readRebuildRows(pool, 'interactions')).filter((rebuild) => rebuild.target_version === 3)).toHaveLength(1);
      // Only the previous version (v2) is kept for rollback; v1 is gone.
      expect(await dumpVersion(client, 3)).toEqual(await dumpVersion(client, 2));
      let leftovers: unknown[] = [];
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
        leftovers = (await client.query("SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_\\_v1'")).rows;
        if (leftovers.length === 0) break;
      }
      expect(leftovers).toEqual([]);
    } finally {
      await resumed.stop();
    }
  });

  it('runs a requested rebuild once however often it polls: a slow poll is not overtaken by the next', async () => {
    const messages: string[] = [];
    const errors: unknown[] = [];
    // Polling every millisecond, many polls would be in flight at once if each did not wait for the one before.
    const manager = new ProjectionManager(db.store, {
      connectionString: db.database.url,
      pollMs: 1,
      definition: { version: 2, extensions: [] },
      log: (message) => messages.push(message),
      onError: (error) => errors.push(error),
    });
    await manager.start();
    try {
      const rebuild = await requestRebuild(pool, 'interactions', 2, 'polled fast');
      const done = await waitForRebuild('done');
      expect(done.id).toBe(rebuild.id);
      expect(messages.filter((message) => message === 'rebuild filling')).toEqual(['rebuild filling']);
      expect(messages.filter((message) => message === 'rebuild swapped')).toEqual(['rebuild swapped']);
      expect(errors).toEqual([]);
      expect(await activeVersion()).toBe(rebuild.target_version);
    } finally {
      await manager.stop();
    }
  });
});
