import { randomUUID } from 'node:crypto';
import { ANY, EventStoreDBClient, jsonEvent, NO_STREAM, streamNameFilter, type AllStreamSubscription } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EsdbEventStore,
  EventStoreAccessDeniedError,
  EventStoreUnavailableError,
  StreamDeletedError,
  WrongExpectedRevisionError,
} from '@ledger/event-store';
import { EsdbTestServer } from '../support/esdb/esdb-test-server';
import { newEvent } from './event-store-contract';

const stream = (prefix = 'interaction') => `${prefix}-${randomUUID()}`;

describe.each([true, false])('EventStoreDB adapter error mapping (BatchAppend advertised: %s)', (advertiseBatchAppend) => {
  let server: EsdbTestServer;
  let store: EsdbEventStore;
  beforeAll(async () => {
    server = await EsdbTestServer.start({ advertiseBatchAppend });
    store = new EsdbEventStore({ connectionString: server.connectionString });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('wrong expected version → WrongExpectedRevisionError with the actual revision', async () => {
    const id = stream();
    await store.appendToStream(id, [newEvent(), newEvent()]);
    await expect(store.appendToStream(id, [newEvent()], { expectedRevision: 0n })).rejects.toMatchObject({
      constructor: WrongExpectedRevisionError,
      code: 'STORE.WRONG_EXPECTED_REVISION',
      streamId: id,
      expected: 0n,
      actual: 1n,
    });
  });

  it('deleted stream → StreamDeletedError, for appends and reads', async () => {
    const id = stream();
    await store.appendToStream(id, [newEvent()]);
    server.log.tombstone(id);
    await expect(store.appendToStream(id, [newEvent()])).rejects.toMatchObject({ constructor: StreamDeletedError, code: 'STORE.STREAM_DELETED', streamId: id });
    await expect(store.readStream(id)).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('access denied → EventStoreAccessDeniedError, for appends, reads and subscriptions', async () => {
    const prefix = `secret${randomUUID().slice(0, 8)}-`;
    server.log.denyAccess(prefix);
    await expect(store.appendToStream(`${prefix}1`, [newEvent()])).rejects.toMatchObject({ constructor: EventStoreAccessDeniedError, code: 'STORE.ACCESS_DENIED' });
    await expect(store.readStream(`${prefix}1`)).rejects.toBeInstanceOf(EventStoreAccessDeniedError);
    server.log.denyAccess('$all');
    try {
      await expect(store.readAll({ maxCount: 1 })).rejects.toBeInstanceOf(EventStoreAccessDeniedError);
      await expect(store.ping(2_000)).rejects.toBeInstanceOf(EventStoreAccessDeniedError);
      const subscription = store.subscribeToAll();
      await expect((async () => { for await (const _ of subscription) break; })()).rejects.toBeInstanceOf(EventStoreAccessDeniedError);
    } finally {
      server.log.allowAccess('$all');
    }
  });

  it('a server that takes a read and never answers: the ping fails at its deadline and the read is given up', async () => {
    server.log.stallReadsOfAll = true;
    try {
      for (let probe = 0; probe < 3; probe++) {
        const started = Date.now();
        await expect(store.ping(300)).rejects.toBeInstanceOf(EventStoreUnavailableError);
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      // Each read was cancelled at its deadline, not left waiting on the server.
      for (const deadline = Date.now() + 5_000; server.log.stalledReadsCancelled < 3 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.log.stalledReadsCancelled).toBe(3);
    } finally {
      server.log.stallReadsOfAll = false;
    }
    await expect(store.ping(2_000)).resolves.toBeUndefined();
  });

  it('server down → EventStoreUnavailableError; back up → appends work again', async () => {
    const id = stream();
    await store.appendToStream(id, [newEvent()]);
    await server.stop();
    await expect(store.appendToStream(id, [newEvent()])).rejects.toMatchObject({ constructor: EventStoreUnavailableError, code: 'STORE.UNAVAILABLE' });
    await expect(store.readStream(id)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.ping(2_000)).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await server.restart();
    expect(await store.appendToStream(id, [newEvent()])).toMatchObject({ appended: 1, nextExpectedRevision: 1n });
  });
});

describe('the test server speaks EventStoreDB', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    server = await EsdbTestServer.start();
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client?.dispose();
    await server?.stop();
  });

  it('answers a wrong expected version with an OK reply carrying the error', async () => {
    const relaxed = new EventStoreDBClient({ endpoint: `127.0.0.1:${server.port}`, throwOnAppendFailure: false }, { insecure: true });
    server.advertiseBatchAppend = false;
    try {
      const id = stream();
      await relaxed.appendToStream(id, jsonEvent({ type: 't', data: {} }), { expectedRevision: NO_STREAM });
      const second = await relaxed.appendToStream(id, jsonEvent({ type: 't', data: {} }), { expectedRevision: NO_STREAM });
      expect(second).toMatchObject({ success: false, nextExpectedRevision: 0n });
    } finally {
      server.advertiseBatchAppend = true;
      await relaxed.dispose();
    }
  });

  it('orders a filtered subscription: confirmation, catch-up events with checkpoints, caught-up, live', async () => {
    const prefix = `order${randomUUID().slice(0, 8)}-`;
    for (let index = 0; index < 40; index++) await client.appendToStream(index % 2 ? `${prefix}a` : `other-${prefix}`, jsonEvent({ type: 't', data: { index } }), { expectedRevision: ANY });
    const seen: string[] = [];
    const subscription: AllStreamSubscription = client.subscribeToAll({
      filter: streamNameFilter({ prefixes: [prefix], maxSearchWindow: 8, checkpointReached: () => void seen.push('checkpoint') }),
    });
    subscription.on('confirmation', () => seen.push('confirmation'));
    subscription.on('caughtUp', () => seen.push('caughtUp'));
    await new Promise<void>((resolve) => {
      subscription.on('data', () => {
        seen.push('event');
        if (seen.filter((entry) => entry === 'event').length === 21) resolve();
      });
      subscription.once('caughtUp', () => void client.appendToStream(`${prefix}a`, jsonEvent({ type: 't', data: {} }), { expectedRevision: ANY }));
    });
    await subscription.unsubscribe();
    expect(seen[0]).toBe('confirmation');
    expect(seen.filter((entry) => entry === 'checkpoint').length).toBeGreaterThan(0);
    expect(seen.indexOf('caughtUp')).toBe(seen.lastIndexOf('event') - 1);
    expect(seen.slice(1, seen.indexOf('caughtUp')).filter((entry) => entry === 'event')).toHaveLength(20);
  });
});
