import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../apps/cli/src/simulate/generate-traffic';
import { startLedgerProcess, type LedgerProcess } from '../support/ledger-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type Status = { head: string | null; items: { phase: string; position: string | null }[] };
const statusOf = async (ledger: LedgerProcess): Promise<Status> => (await (await fetch(`${ledger.url}/v1/admin/projections`)).json()) as Status;

async function waitFor(ledger: LedgerProcess, accept: (status: Status) => boolean, what: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const status = await statusOf(ledger);
    if (accept(status)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: ${JSON.stringify(status)}`);
    await sleep(100);
  }
}

const post = (ledger: LedgerProcess, events: unknown[]) =>
  fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });

describe('single writer: one projector at a time, a standby takes over', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ledger-single-writer-'));
  let database: TestDatabase | null = null;
  const running: LedgerProcess[] = [];

  afterAll(async () => {
    for (const ledger of running) await ledger.kill9('group');
    // The first instance's embedded PostgreSQL outlived it on purpose (only its Node process was killed).
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    await database?.drop();
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the second instance stands by, then projects within seconds of the first one dying', async () => {
    if (process.env.DATABASE_URL) database = await createTestDatabase('ledger_single_writer');
    const first = await startLedgerProcess(database ? { DATABASE_URL: database.url } : { LEDGER_DATA_DIR: dataDir });
    running.push(first);
    const sharedUrl = first.databaseUrl as string;
    const second = await startLedgerProcess({ DATABASE_URL: sharedUrl });
    running.push(second);

    const traffic = generateTraffic({ seed: 5, conversations: 40, startTime: new Date('2026-07-01T09:00:00Z') });
    const half = Math.floor(traffic.deliveries.length / 2);
    expect((await post(first, traffic.deliveries.slice(0, half))).status).toBe(202);
    await waitFor(first, (status) => status.items[0]?.phase === 'live' && status.items[0].position === status.head, 'first projector live');
    expect((await statusOf(second)).items[0]?.phase).toBe('standby');

    await first.kill9('node');
    expect((await post(second, traffic.deliveries.slice(half))).status).toBe(202);
    const takeoverMs = await waitFor(second, (status) => status.items[0]?.phase === 'live' && status.items[0].position === status.head, 'standby took over');
    expect(takeoverMs).toBeLessThan(15_000);

    const client = new Client({ connectionString: sharedUrl });
    await client.connect();
    try {
      const rows = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM interactions');
      expect(rows.rows[0]?.n).toBe(traffic.conversations.length);
    } finally {
      await client.end();
    }
  });
});
