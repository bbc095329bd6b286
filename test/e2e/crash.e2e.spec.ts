import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startLedgerProcess, type LedgerProcess } from '../support/ledger-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const EVENTS_PER_BATCH = 20;

function batchFor(conversationId: string): string {
  return JSON.stringify(
    Array.from({ length: EVENTS_PER_BATCH }, (_, index) => ({
      topicName: `v2.detail.events.conversation.${conversationId}.attributes`,
      version: '2',
      eventBody: { eventTime: 1_700_000_000_000 + index, conversationId, attributes: { step: String(index) } },
    })),
  );
}

/**
 * Kill -9 at random moments while clients post: every batch that got a 202 is stored afterwards, none twice.
 * Without DATABASE_URL the service runs its embedded PostgreSQL, which is killed with it half of the time.
 */
describe('crash safety of accepted events', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ledger-crash-'));
  let database: TestDatabase | null = null;
  let ledger: LedgerProcess | null = null;

  afterAll(async () => {
    await ledger?.kill9('group');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event exactly once across SIGKILLs and restarts', async () => {
    const external = Boolean(process.env.DATABASE_URL);
    if (external) database = await createTestDatabase('ledger_crash');
    const env = external ? { DATABASE_URL: database?.url } : { LEDGER_DATA_DIR: dataDir };
    const acknowledged = new Set<string>();
    let unacknowledged: string[] = [];

    for (let round = 0; round < 4; round++) {
      ledger = await startLedgerProcess(env);
      const url = ledger.url;
      let alive = true;
      // Clients retry what was not acknowledged before the last crash, then send new batches.
      const retries = unacknowledged;
      unacknowledged = [];
      const worker = async (queue: string[]): Promise<void> => {
        while (alive) {
          const conversationId = queue.shift() ?? randomUUID();
          try {
            const response = await fetch(`${url}/v1/ingest/genesys`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: batchFor(conversationId),
            });
            if (response.status === 202) acknowledged.add(conversationId);
            else unacknowledged.push(conversationId);
            await response.arrayBuffer();
          } catch {
            unacknowledged.push(conversationId);
            return;
          }
        }
      };
      const workers = [worker(retries), worker([]), worker([]), worker([])];
      await sleep(300 + Math.floor(Math.random() * 1200));
      await ledger.kill9(round % 2 === 0 ? 'group' : 'node');
      alive = false;
      await Promise.all(workers);
    }

    ledger = await startLedgerProcess(env);
    expect(acknowledged.size).toBeGreaterThan(10);
    const client = new Client({ connectionString: ledger.databaseUrl ?? undefined });
    await client.connect();
    try {
      const rows = await client.query<{ stream_id: string; events: string; max_revision: string; distinct_ids: string }>(
        `SELECT stream_id, count(*) AS events, max(revision) AS max_revision, count(DISTINCT event_id) AS distinct_ids
         FROM ledger_events GROUP BY stream_id`,
      );
      const byStream = new Map(rows.rows.map((row) => [row.stream_id, row]));
      for (const conversationId of acknowledged) {
        const row = byStream.get(`interaction-${conversationId}`);
        expect(row, `acknowledged batch ${conversationId} is missing`).toBeDefined();
        expect(Number(row?.events)).toBe(EVENTS_PER_BATCH);
      }
      for (const row of rows.rows) {
        // Every stored batch is whole and never doubled: revisions 0..19, one row per event id.
        expect(Number(row.events)).toBe(EVENTS_PER_BATCH);
        expect(Number(row.max_revision)).toBe(EVENTS_PER_BATCH - 1);
        expect(Number(row.distinct_ids)).toBe(EVENTS_PER_BATCH);
      }
    } finally {
      await client.end();
    }
    expect(await ledger.stop()).toBe(0);
    ledger = null;
  });
});
