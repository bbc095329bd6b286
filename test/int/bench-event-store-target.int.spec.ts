import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbEventStore, type AppendRequest } from '@ledger/event-store';
import { appendThroughPort } from '../../bench/src/append-bench';
import { assertWorkloadAbsent, describeTarget, eventStoreTarget, interactionHead, type EventStoreTarget } from '../../bench/src/event-store-target';
import { EsdbTestServer } from '../support/esdb/esdb-test-server';
import { newEvent } from '../contract/event-store-contract';

describe('the bench on EventStoreDB: which store, from EVENTSTORE_URL', () => {
  it('is the PostgreSQL store without EVENTSTORE_URL, EventStoreDB with one, and refuses anything else by name', () => {
    expect(eventStoreTarget({})).toEqual({ kind: 'postgres' });
    expect(eventStoreTarget({ EVENTSTORE_URL: ' ' })).toEqual({ kind: 'postgres' });
    expect(eventStoreTarget({ EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false' })).toEqual({ kind: 'esdb', url: 'esdb://127.0.0.1:2113?tls=false' });
    expect(() => eventStoreTarget({ EVENTSTORE_URL: 'http://127.0.0.1:2113' })).toThrow(/EVENTSTORE_URL must be an EventStoreDB connection string/);
  });

  it('describes EventStoreDB by host only: credentials in the URL never reach the JSON line', () => {
    expect(describeTarget({ kind: 'esdb', url: 'esdb://admin:changeit@store.internal:2113?tls=true' })).toBe('esdb (store.internal:2113)');
    expect(describeTarget({ kind: 'esdb', url: 'esdb://admin:changeit@a:2113,b:2113,c:2113?tls=false' })).toBe('esdb (a:2113,b:2113,c:2113)');
    expect(describeTarget({ kind: 'esdb', url: 'esdb+discover://cluster.internal' })).toBe('esdb (cluster.internal)');
    expect(describeTarget({ kind: 'postgres' })).toBe('postgres');
  });
});

describe('the bench on EventStoreDB: appends, the interaction head and the empty-store check over real gRPC', () => {
  let server: EsdbTestServer;
  let target: EventStoreTarget;
  let store: EsdbEventStore;

  beforeAll(async () => {
    server = await EsdbTestServer.start({ advertiseBatchAppend: true });
    target = { kind: 'esdb', url: server.connectionString };
    store = new EsdbEventStore({ connectionString: server.connectionString });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('appends each run to streams of its own, so a second run over the same batches appends everything again', async () => {
    const streams = [`interaction-${randomUUID()}`, `interaction-${randomUUID()}`];
    const batches: AppendRequest[][] = Array.from({ length: 3 }, (_, batch) =>
      streams.map((streamId, index) => ({ streamId, events: [newEvent('t', { batch, index }), newEvent('t', { batch, index, second: true })] })),
    );
    const first = await appendThroughPort(target, '', batches, 1, 'bench-run1');
    const second = await appendThroughPort(target, '', batches, 4, 'bench-run2');
    expect(first.events).toBe(12);
    expect(second.events).toBe(12);
    for (const tag of ['bench-run1', 'bench-run2']) {
      for (const streamId of streams) {
        const stored = await store.readStream(`${tag}-${streamId}`);
        expect(stored.map((event) => event.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
      }
    }
    // The workload's own stream names stay untouched: ingest appends there later.
    for (const streamId of streams) expect(await store.readStream(streamId)).toEqual([]);
  });

  it('counts the interaction events across pages of $all, and ends at the newest one', async () => {
    const before = await interactionHead(target, '', 3);
    const streamId = `interaction-${randomUUID()}`;
    await store.appendToStream(streamId, Array.from({ length: 7 }, (_, n) => newEvent('t', { n })));
    await store.appendToStream(`user-${randomUUID()}`, [newEvent('presence', { n: 0 })]);
    const newest = (await store.readStream(streamId, { direction: 'backwards', maxCount: 1 }))[0];
    const head = await interactionHead(target, '', 3);
    expect(head.events).toBe(before.events + 7);
    expect(head.position).toBe(newest?.position);
    // The page size does not change the count; a page of one would repeat the same event for ever, so it is refused.
    expect(await interactionHead(target, '', 4096)).toEqual(head);
    await expect(interactionHead(target, '', 1)).rejects.toThrow('pageSize must be an integer of at least 2, got 1');
  });

  it('refuses a store that already holds the workload, naming the stream, and passes one that does not', async () => {
    const streamId = `interaction-${randomUUID()}`;
    await expect(assertWorkloadAbsent(target, streamId)).resolves.toBeUndefined();
    await store.appendToStream(streamId, [newEvent('t', { n: 1 })]);
    await expect(assertWorkloadAbsent(target, streamId)).rejects.toThrow(`already holds the workload's stream ${streamId}`);
    // PostgreSQL runs get a fresh database each time: nothing to check there.
    await expect(assertWorkloadAbsent({ kind: 'postgres' }, streamId)).resolves.toBeUndefined();
  });
});
