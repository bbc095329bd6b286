import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreUnavailableError, PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('PostgreSQL event store ping (readiness)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('answers from a live server', async () => {
    const store = new PostgresEventStore({ connectionString: database.url });
    try {
      await expect(store.ping(5_000)).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('a server that takes the connection and never answers: each ping fails at its timeout, and they share one attempt', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const store = new PostgresEventStore({ connectionString: `postgres://ledger@127.0.0.1:${port}/ledger` });
    try {
      for (let probe = 0; probe < 4; probe++) {
        const started = Date.now();
        await expect(store.ping(200)).rejects.toMatchObject({ constructor: EventStoreUnavailableError, message: expect.stringContaining('no answer within 200 ms') });
        expect(Date.now() - started).toBeLessThan(3_000);
      }
      // Four probes, one connection waiting on the server: pings do not pile up on a hung store.
      expect(sockets).toHaveLength(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      await store.close();
    }
  });
});
