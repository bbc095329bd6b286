import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '@ledger/event-store';
import { InteractionProjector } from '@ledger/projections';
import { generateTraffic } from '../../apps/cli/src/simulate/generate-traffic';
import { startLedgerProcess, type LedgerProcess } from '../support/ledger-process';
import { dumpReadModels, toCanonicalEvents, truncateReadModels } from '../support/pipeline';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface ProjectionsView {
  head: string | null;
  items: { phase: string; position: string | null; eventsApplied: number }[];
}

const projections = async (ledger: LedgerProcess): Promise<ProjectionsView> =>
  (await (await fetch(`${ledger.url}/v1/admin/projections`)).json()) as ProjectionsView;

async function waitUntilLive(ledger: LedgerProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const view = await projections(ledger);
    const item = view.items[0];
    if (item?.phase === 'live' && item.position === view.head) return;
    if (Date.now() > deadline) throw new Error(`projector not live: ${JSON.stringify(view)}`);
    await sleep(100);
  }
}

describe('projector killed with SIGKILL in the middle of catch-up', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ledger-projector-crash-'));
  let database: TestDatabase | null = null;
  let ledger: LedgerProcess | null = null;

  afterAll(async () => {
    await ledger?.kill9('group');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes from its checkpoint: read models equal a fresh full rebuild, nothing lost or doubled', async () => {
    if (process.env.DATABASE_URL) database = await createTestDatabase('ledger_projcrash');
    const env = database ? { DATABASE_URL: database.url } : { LEDGER_DATA_DIR: dataDir };
    const traffic = generateTraffic({ seed: 11, conversations: 700, startTime: new Date('2026-05-04T08:00:00Z'), targetEventsPerConversation: 40 });

    // 1. Ingest everything with no projector running.
    ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api' });
    for (let offset = 0; offset < traffic.deliveries.length; offset += 1000) {
      const slices = [0, 250, 500, 750].map((start) => traffic.deliveries.slice(offset + start, offset + start + 250)).filter((slice) => slice.length > 0);
      const responses = await Promise.all(
        slices.map((slice) => fetch(`${ledger?.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slice) })),
      );
      expect(responses.map((response) => response.status).every((status) => status === 202)).toBe(true);
    }
    expect(await ledger.stop()).toBe(0);

    // 2. Start the projector and kill everything as soon as it has committed some, but not all, batches.
    ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api,projector' });
    const deadline = Date.now() + 60_000;
    let appliedBeforeKill = 0;
    for (;;) {
      const item = (await projections(ledger)).items[0];
      appliedBeforeKill = item?.eventsApplied ?? 0;
      if (appliedBeforeKill > 0) break;
      if (Date.now() > deadline) throw new Error('projector never committed a batch');
      await sleep(5);
    }
    await ledger.kill9('group');

    // What the crash left behind, read before any projector runs again.
    ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api' });
    const checkpointAfterCrash = await queryOne(ledger.databaseUrl as string, "SELECT position::text AS position FROM projection_checkpoints WHERE projection = 'interactions'");
    const head = await queryOne(ledger.databaseUrl as string, 'SELECT max(position)::text AS position FROM ledger_events');
    expect(await ledger.stop()).toBe(0);

    // 3. Restart the projector: it must resume from its checkpoint and catch up.
    ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api,projector' });
    const databaseUrl = ledger.databaseUrl as string;
    await waitUntilLive(ledger);
    const resumed = await dumpReadModels(databaseUrl);
    expect(await ledger.stop()).toBe(0);

    // The crash really came mid catch-up: a checkpoint was committed, short of the head.
    expect(checkpointAfterCrash).toBeDefined();
    expect(BigInt(checkpointAfterCrash?.position ?? '0')).toBeLessThan(BigInt(head?.position ?? '0'));
    expect(resumed.interactions).toHaveLength(traffic.conversations.length);
    // Two identical messages are one fact: count distinct event ids.
    const distinctEvents = new Set(traffic.conversations.flatMap((conversation) => toCanonicalEvents(conversation.events).map((event) => event.eventId)));
    expect(resumed.events).toHaveLength(distinctEvents.size);
    expect(appliedBeforeKill).toBeLessThan(distinctEvents.size);

    // 4. A fresh full rebuild from position 0 gives the same rows.
    ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api' });
    const url = ledger.databaseUrl as string;
    await truncateReadModels(url);
    const store = new PostgresEventStore({ connectionString: url });
    const projector = new InteractionProjector(store, { connectionString: url });
    projector.start();
    const rebuildDeadline = Date.now() + 120_000;
    while (!(projector.status().phase === 'live' && projector.status().position === head?.position)) {
      if (Date.now() > rebuildDeadline) throw new Error(`rebuild did not finish: ${JSON.stringify(projector.status())}`);
      await sleep(50);
    }
    await projector.stop();
    await store.close();
    const rebuilt = await dumpReadModels(url);
    expect(rebuilt).toEqual(resumed);
    expect(await ledger.stop()).toBe(0);
    ledger = null;
  });
});

async function queryOne(connectionString: string, sql: string): Promise<{ position: string } | undefined> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<{ position: string }>(sql)).rows[0];
  } finally {
    await client.end();
  }
}
