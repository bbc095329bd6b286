import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbEventStore } from '@ledger/event-store';
import { InteractionProjector } from '@ledger/projections';
import { generateTraffic, type EventBridgeEvent } from '../../apps/cli/src/simulate/generate-traffic';
import { EsdbTestServer } from '../support/esdb/esdb-test-server';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';
import { dumpReadModels, toCanonicalEvents, truncateReadModels } from '../support/pipeline';

const sample = readFileSync(path.resolve(__dirname, '../fixtures/genesys/01_customer.start_eventbridge.json'), 'utf8');
const sampleConversationId = '2f7bf00a-0fc2-4d6a-9b56-92238191433e';

interface ProjectionsView {
  head: string | null;
  items: { phase: string; position: string | null; eventsApplied: number }[];
}

/** The position of the newest event on an interaction stream, read from the server's own storage. */
function lastInteractionPosition(server: EsdbTestServer): string | null {
  const events = server.log.all().filter((event) => event.streamId.startsWith('interaction-'));
  return events.at(-1)?.position.toString() ?? null;
}

describe('the service with EVENTSTORE_URL: events in EventStoreDB, read models and checkpoints in PostgreSQL', () => {
  let esdb: EsdbTestServer;
  let ledger: RunningLedger;
  let appRunning = false;
  let db: Client;

  const post = async (body: string) => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  };
  const postAll = async (deliveries: EventBridgeEvent[]) => {
    for (let offset = 0; offset < deliveries.length; offset += 200) {
      const response = await post(JSON.stringify(deliveries.slice(offset, offset + 200)));
      expect(response.status).toBe(202);
    }
  };
  const waitUntilLiveAtHead = async (): Promise<ProjectionsView> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const view = (await (await fetch(`${ledger.url}/v1/admin/projections`)).json()) as ProjectionsView;
      const item = view.items[0];
      if (item?.phase === 'live' && item.position !== null && item.position === lastInteractionPosition(esdb)) return view;
      if (Date.now() > deadline) throw new Error(`projector not live at the head: ${JSON.stringify(view)}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    esdb = await EsdbTestServer.start();
    ledger = await startLedger({ EVENTSTORE_URL: esdb.connectionString, INGEST_MAX_ITEMS: '10000' });
    appRunning = true;
    db = new Client({ connectionString: ledger.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    if (appRunning) await ledger?.close();
    else await ledger?.database.drop();
    await esdb?.stop();
  });

  it('ingests the shared sample and scripted conversations into EventStoreDB and projects them into PostgreSQL', async () => {
    expect(await post(sample)).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0 } });
    expect(await post(sample)).toMatchObject({ status: 202, body: { accepted: 0, duplicates: 1 } });
    const traffic = generateTraffic({ seed: 41, conversations: 25, startTime: new Date('2026-06-01T09:00:00Z'), duplicateRate: 0.05, reorderRate: 0.1 });
    await postAll(traffic.deliveries);

    // The events are in EventStoreDB, one stream per conversation; PostgreSQL's event table stays empty.
    expect(esdb.log.stream(`interaction-${sampleConversationId}`)?.map((event) => event.eventType)).toEqual([
      'v2.detail.events.conversation.{id}.customer.start',
    ]);
    expect((await db.query('SELECT count(*)::int AS n FROM ledger_events')).rows[0].n).toBe(0);

    const view = await waitUntilLiveAtHead();
    expect(BigInt(view.head ?? '0')).toBeGreaterThanOrEqual(BigInt(view.items[0]?.position ?? '0'));
    const checkpoint = await db.query("SELECT position::text AS position FROM projection_checkpoints WHERE projection = 'interactions'");
    expect(checkpoint.rows[0]?.position).toBe(lastInteractionPosition(esdb));
    const rows = await db.query<{ conversation_id: string; event_count: number }>('SELECT conversation_id, event_count FROM interactions');
    expect(rows.rows.map((row) => row.conversation_id).sort()).toEqual(
      [sampleConversationId, ...traffic.conversations.map((conversation) => conversation.conversationId)].sort(),
    );
    for (const conversation of traffic.conversations) {
      const distinct = new Set(toCanonicalEvents(conversation.events).map((event) => event.eventId)).size;
      expect(rows.rows.find((row) => row.conversation_id === conversation.conversationId)?.event_count).toBe(distinct);
    }

    // Queries read the PostgreSQL read model; replay reads EventStoreDB. Both tell the same story.
    const id = traffic.conversations[0]?.conversationId as string;
    const current = await fetch(`${ledger.url}/v1/interactions/${id}`);
    expect(current.status).toBe(200);
    const detail = (await current.json()) as { conversationId: string; state: unknown };
    expect(detail.conversationId).toBe(id);
    const replay = await fetch(`${ledger.url}/v1/interactions/${id}/state`);
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { state: unknown }).state).toEqual(detail.state);
  });

  it('readiness says the event store is down when EventStoreDB takes reads and never answers, and each probe gives its read up', async () => {
    expect((await fetch(`${ledger.url}/health/ready`)).status).toBe(200);
    const cancelledBefore = esdb.log.stalledReadsCancelled;
    esdb.log.stallReadsOfAll = true;
    try {
      for (let probe = 0; probe < 2; probe++) {
        const started = Date.now();
        const response = await fetch(`${ledger.url}/health/ready`);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({
          error: { code: 'HEALTH.NOT_READY', details: { checks: { database: { status: 'up' }, eventStore: { status: 'down', message: expect.stringContaining('did not answer a read within 2000 ms') } } } },
        });
      }
      for (const deadline = Date.now() + 5_000; esdb.log.stalledReadsCancelled - cancelledBefore < 2 && Date.now() < deadline; ) await sleep(20);
      expect(esdb.log.stalledReadsCancelled - cancelledBefore).toBe(2);
    } finally {
      esdb.log.stallReadsOfAll = false;
    }
    expect((await fetch(`${ledger.url}/health/ready`)).status).toBe(200);
  });

  it('rides out EventStoreDB restarting mid-projection: 503 while it is down, nothing acknowledged lost, read models equal a clean rebuild', async () => {
    const traffic = generateTraffic({ seed: 42, conversations: 120, startTime: new Date('2026-06-02T09:00:00Z'), targetEventsPerConversation: 30 });
    const half = Math.floor(traffic.deliveries.length / 2);
    await postAll(traffic.deliveries.slice(0, half));

    await esdb.stop();
    const refused = await post(JSON.stringify(traffic.deliveries.slice(half, half + 50)));
    expect(refused).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'INGEST.STORE_UNAVAILABLE' } } });
    // Readiness says why: the database is fine, the event store is not.
    const notReady = await fetch(`${ledger.url}/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      error: {
        code: 'HEALTH.NOT_READY',
        message: 'not ready: eventStore down',
        details: { checks: { database: { status: 'up' }, migrations: { status: 'up' }, eventStore: { status: 'down', message: expect.any(String) } } },
      },
    });
    await sleep(500);
    await esdb.restart();
    for (const deadline = Date.now() + 30_000; (await fetch(`${ledger.url}/health/ready`)).status !== 200; await sleep(200)) {
      if (Date.now() > deadline) throw new Error('not ready again after EventStoreDB came back');
    }
    // A client retrying after the 503 sends the refused batch again, with the rest.
    await postAll(traffic.deliveries.slice(half));
    await waitUntilLiveAtHead();
    const afterOutage = await dumpReadModels(ledger.database.url);

    // The same events projected from scratch, with no outage, give the same rows.
    const databaseUrl = ledger.database.url;
    await ledger.app.close();
    appRunning = false;
    await truncateReadModels(databaseUrl);
    const store = new EsdbEventStore({ connectionString: esdb.connectionString });
    const projector = new InteractionProjector(store, { connectionString: databaseUrl });
    projector.start();
    const deadline = Date.now() + 60_000;
    while (!(projector.status().phase === 'live' && projector.status().position === lastInteractionPosition(esdb))) {
      if (Date.now() > deadline) throw new Error(`rebuild did not finish: ${JSON.stringify(projector.status())}`);
      await sleep(50);
    }
    await projector.stop();
    await store.close();
    expect(await dumpReadModels(databaseUrl)).toEqual(afterOutage);
    const conversations = new Set(afterOutage.interactions?.map((row) => (row as { conversation_id: string }).conversation_id));
    for (const conversation of traffic.conversations) expect(conversations.has(conversation.conversationId)).toBe(true);
  });
});
