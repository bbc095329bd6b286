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
  const site = crashSite('ledger-projector-crash-', 'ledger_projcrash');
  let ledger: LedgerProcess | null = null;

  it('resumes from its checkpoint: read models equal a fresh full rebuild, nothing lost or doubled', async () => {
    const env = await site.env();
    const traffic = generateTraffic({ seed: 11, conversations: 700, startTime: new Date('2026-05-04T08:00:00Z'), targetEventsPerConversation: 40 });

    // 1. Ingest everything with no projector running.
    ledger = site.ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api' });
    for (let offset = 0; offset < traffic.deliveries.length; offset += 1000) {
      const slices = [0, 250, 500, 750].map((start) => traffic.deliveries.slice(offset + start, offset + start + 250)).filter((slice) => slice.length > 0);
      const responses = await Promise.all(
        slices.map((slice) => fetch(`${ledger?.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(slice) })),
      );
      expect(responses.map((response) => response.status).every((status) => status === 202)).toBe(true);
    }
    expect(await ledger.stop()).toBe(0);

    // 2. Start the projector and kill everything as soon as it has committed some, but not all, batches.
    ledger = site.ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api,projector' });
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
    ledger = site.ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api' });
    const [checkpointAfterCrash] = await queryRows<{ position: string }>(
      ledger.databaseUrl as string,
      "SELECT position::text AS position FROM projection_checkpoints WHERE projection = 'interactions'",
    );
    const [head] = await queryRows<{ position: string }>(ledger.databaseUrl as string, 'SELECT max(position)::text AS position FROM ledger_events');
    expect(await ledger.stop()).toBe(0);

    // 3. Restart the projector: it must resume from its checkpoint and catch up.
    ledger = site.ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api,projector' });
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
    ledger = site.ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api' });
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
    ledger = site.ledger = null;
  });
});

/** The rows of one query, on a connection of its own (the embedded server lives only while a ledger runs). */
async function queryRows<Row extends object>(connectionString: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('a blue-green rebuild killed with SIGKILL while it fills the next version', () => {
  const site = crashSite('ledger-rebuild-crash-', 'ledger_rebuildcrash');

  it('resumes the same rebuild from its own checkpoint on restart, swaps, and the new version equals the old', async () => {
    const env = { ...(await site.env()), LEDGER_ROLES: 'api,projector' };
    const traffic = generateTraffic({ seed: 12, conversations: 1000, startTime: new Date('2026-05-05T08:00:00Z'), targetEventsPerConversation: 40 });
    // The embedded server lives only while a ledger runs (and may move port): query the current one.
    const query = <Row extends object>(sql: string, params: unknown[] = []) => queryRows<Row>(site.ledger?.databaseUrl as string, sql, params);
    const checkpointOf = async (version: number) =>
      (await query<{ position: string }>("SELECT position::text AS position FROM projection_checkpoints WHERE projection = 'interactions' AND version = $1", [version]))[0]?.position;
    const rebuildRow = async () =>
      (await query<{ id: string; phase: string }>("SELECT id::text AS id, phase FROM projection_rebuilds WHERE projection = 'interactions' ORDER BY id DESC LIMIT 1"))[0];

    // 1. Everything ingested and projected by version 1.
    site.ledger = await startLedgerProcess(env);
    for (let offset = 0; offset < traffic.deliveries.length; offset += 500) {
      const response = await fetch(`${site.ledger.url}/v1/ingest/genesys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(traffic.deliveries.slice(offset, offset + 500)),
      });
      expect(response.status).toBe(202);
    }
    await waitUntilLive(site.ledger);

    // 2. Start a rebuild; kill the whole process group once version 2 has committed a batch.
    const started = (await (await fetch(`${site.ledger.url}/v1/admin/projections/interactions/rebuild`, { method: 'POST' })).json()) as { id: string };
    const db = new Client({ connectionString: site.ledger.databaseUrl as string });
    db.on('error', () => undefined); // the kill below takes an embedded server down with it
    await db.connect();
    const deadline = Date.now() + 60_000;
    while ((await db.query("SELECT 1 FROM projection_checkpoints WHERE projection = 'interactions' AND version = 2")).rows.length === 0) {
      if (Date.now() > deadline) throw new Error('the rebuild never committed a batch');
      await sleep(2);
    }
    await site.ledger.kill9('group');
    await db.end().catch(() => undefined);

    // 3. What the crash left: the same rebuild still filling, its checkpoint short of the head.
    site.ledger = await startLedgerProcess({ ...env, LEDGER_ROLES: 'api' });
    const crashedAt = BigInt((await checkpointOf(2)) ?? '0');
    const head = (await query<{ position: string }>('SELECT max(position)::text AS position FROM ledger_events'))[0]?.position ?? '0';
    expect(await rebuildRow()).toEqual({ id: String(started.id), phase: 'filling' });
    expect(crashedAt).toBeGreaterThan(0n);
    expect(crashedAt).toBeLessThan(BigInt(head));
    expect(await site.ledger.stop()).toBe(0);

    // 4. Restarted, the projector role picks the same rebuild up and finishes it.
    site.ledger = await startLedgerProcess(env);
    const finishBy = Date.now() + 120_000;
    let lowestAfterRestart: bigint | null = null;
    for (let row = await rebuildRow(); row?.phase !== 'done'; row = await rebuildRow()) {
      if (row?.phase === 'failed' || Date.now() > finishBy) throw new Error(`rebuild did not finish: ${JSON.stringify(row)}`);
      const position = BigInt((await checkpointOf(2)) ?? '0');
      if (lowestAfterRestart === null || position < lowestAfterRestart) lowestAfterRestart = position;
      await sleep(20);
    }
    // It went on from where it was killed, never back to the start.
    if (lowestAfterRestart !== null) expect(lowestAfterRestart).toBeGreaterThanOrEqual(crashedAt);
    expect((await rebuildRow())?.id).toBe(String(started.id));
    expect((await projections(site.ledger)).items[0]).toMatchObject({ version: 2 });

    // 5. Once both versions are at the head, they hold the same rows.
    const levelBy = Date.now() + 60_000;
    while (!((await checkpointOf(1)) === head && (await checkpointOf(2)) === head)) {
      if (Date.now() > levelBy) throw new Error('versions did not level');
      await sleep(100);
    }
    const digest = async (table: string, key: string) =>
      (await query<{ n: number; h: string }>(`SELECT count(*)::int AS n, md5(string_agg(${key}, ',' ORDER BY ${key})) AS h FROM ${table}`))[0];
    const stateKey = 'conversation_id || fold_key || state::text';
    expect(await digest('interactions__v2', stateKey)).toEqual(await digest('interactions__v1', stateKey));
    expect(await digest('interaction_events__v2', 'event_id::text')).toEqual(await digest('interaction_events__v1', 'event_id::text'));
    expect((await digest('interactions__v2', 'conversation_id'))?.n).toBe(traffic.conversations.length);
    expect(await site.ledger.stop()).toBe(0);
    site.ledger = null;
  });
});

/** A data folder (embedded PostgreSQL) or, with DATABASE_URL, a fresh database; whatever still runs is killed after. */
function crashSite(prefix: string, databaseName: string) {
  const site = {
    dataDir: mkdtempSync(path.join(os.tmpdir(), prefix)),
    database: null as TestDatabase | null,
    ledger: null as LedgerProcess | null,
    async env(): Promise<Record<string, string>> {
      if (process.env.DATABASE_URL) site.database = await createTestDatabase(databaseName);
      return site.database ? { DATABASE_URL: site.database.url } : { LEDGER_DATA_DIR: site.dataDir };
    },
  };
  afterAll(async () => {
    await site.ledger?.kill9('group');
    await site.database?.drop();
    rmSync(site.dataDir, { recursive: true, force: true });
  });
  return site;
}
