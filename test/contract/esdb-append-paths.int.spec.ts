import { randomUUID } from 'node:crypto';
import { ANY, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterAll, describe, expect, it } from 'vitest';
import { EsdbEventStore, type AppendOutcome } from '@ledger/event-store';
import { EsdbTestServer } from '../support/esdb/esdb-test-server';
import { newEvent } from './event-store-contract';

/** The raw client's first calls after a restart fail on its old connection while it reconnects. */
async function retryWhileReconnecting<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** One scenario of appends, replayed on a fresh server: the outcomes, minus positions, and what the stream holds. */
async function runScenario(server: EsdbTestServer) {
  const store = new EsdbEventStore({ connectionString: server.connectionString });
  try {
    const a = `interaction-${randomUUID()}`;
    const b = `interaction-${randomUUID()}`;
    const shared = { ...newEvent('t', { n: 1 }), eventId: '00000000-0000-4000-8000-000000000001' };
    const fixed = (n: number) => ({ ...newEvent('t', { n }), eventId: `00000000-0000-4000-8000-00000000000${n}` });
    const outcomes: AppendOutcome[] = [];
    outcomes.push(await store.appendToStream(a, [fixed(2), shared], { expectedRevision: 'no_stream' }));
    outcomes.push(...(await store.appendMany([
      { streamId: a, events: [shared, fixed(3)], expectedRevision: 'any' },
      { streamId: b, events: [fixed(4)], expectedRevision: 'stream_exists' },
      { streamId: b, events: [fixed(5), fixed(5)], expectedRevision: 'no_stream' },
      { streamId: a, events: [fixed(6)], expectedRevision: 2n },
      { streamId: a, events: [fixed(7)], expectedRevision: 2n },
    ])));
    const summary = outcomes.map((outcome) =>
      outcome.ok ? { ok: true, next: outcome.nextExpectedRevision, appended: outcome.appended, duplicates: outcome.duplicates } : { ok: false, actual: outcome.error.actual },
    );
    const stored = async (id: string) => (await store.readStream(id)).map((event) => [event.revision, event.eventId, event.data]);
    return { summary, a: await stored(a), b: await stored(b) };
  } finally {
    await store.close();
  }
}

describe('EventStoreDB adapter: Streams.BatchAppend and Streams.Append', () => {
  const servers: EsdbTestServer[] = [];
  afterAll(async () => Promise.all(servers.map((server) => server.stop())));

  it('behave the same, whichever the server advertises', async () => {
    const withBatch = await EsdbTestServer.start({ advertiseBatchAppend: true });
    const withoutBatch = await EsdbTestServer.start({ advertiseBatchAppend: false });
    servers.push(withBatch, withoutBatch);
    const viaBatch = await runScenario(withBatch);
    const viaAppend = await runScenario(withoutBatch);

    expect(withBatch.calls.batchAppendStreams).toBeGreaterThan(0);
    expect(withBatch.calls.append).toBe(0);
    expect(withoutBatch.calls.batchAppendStreams).toBe(0);
    expect(withoutBatch.calls.append).toBeGreaterThan(0);
    expect(viaBatch.summary).toEqual(viaAppend.summary);
    expect(viaBatch.summary).toEqual([
      { ok: true, next: 1n, appended: 2, duplicates: 0 },
      { ok: true, next: 2n, appended: 1, duplicates: 1 },
      { ok: false, actual: -1n },
      { ok: true, next: 0n, appended: 1, duplicates: 1 },
      { ok: true, next: 3n, appended: 1, duplicates: 0 },
      { ok: false, actual: 3n },
    ]);
    expect(viaBatch.a).toEqual(viaAppend.a);
    expect(viaBatch.b).toEqual(viaAppend.b);
  });

  it('absorbs a retry after a server restart, when the server itself has forgotten the ids', async () => {
    const server = await EsdbTestServer.start();
    servers.push(server);
    const raw = EventStoreDBClient.connectionString(server.connectionString);
    const store = new EsdbEventStore({ connectionString: server.connectionString });
    try {
      const events = [newEvent(), newEvent()];
      const id = `interaction-${randomUUID()}`;
      const rawId = `interaction-${randomUUID()}`;
      const asEsdb = () => events.map((event) => jsonEvent({ id: event.eventId, type: event.eventType, data: { copy: 1 } }));
      await store.appendToStream(id, events);
      await raw.appendToStream(rawId, asEsdb(), { expectedRevision: ANY });
      await raw.appendToStream(rawId, asEsdb(), { expectedRevision: ANY });
      await server.restart();

      // The server's own dedupe is a memory cache: after the restart the same write with `any` is stored again...
      await retryWhileReconnecting(() => raw.appendToStream(rawId, asEsdb(), { expectedRevision: ANY }));
      expect((await store.readStream(rawId)).length).toBe(4);
      // ...while the adapter checks the stream itself.
      const retry = await store.appendToStream(id, events);
      expect(retry).toMatchObject({ appended: 0, duplicates: 2, nextExpectedRevision: 1n });
      expect((await store.readStream(id)).length).toBe(2);
    } finally {
      await raw.dispose();
      await store.close();
    }
  });
});
