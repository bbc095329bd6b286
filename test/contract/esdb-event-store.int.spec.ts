import { EsdbEventStore } from '@ledger/event-store';
import { EsdbTestServer } from '../support/esdb/esdb-test-server';
import { describeEventStoreContract } from './event-store-contract';

// The adapter over real gRPC to the project's own server, once per append path the client can take.
for (const advertiseBatchAppend of [true, false]) {
  describeEventStoreContract(`EventStoreDB adapter, test server, ${advertiseBatchAppend ? 'Streams.BatchAppend' : 'Streams.Append'}`, async () => {
    const server = await EsdbTestServer.start({ advertiseBatchAppend });
    const store = new EsdbEventStore({ connectionString: server.connectionString });
    return {
      store,
      async dispose() {
        await store.close();
        await server.stop();
      },
    };
  });
}

// And against a real server wherever there is one: `docker compose up -d eventstore`, then
// EVENTSTORE_URL='esdb://127.0.0.1:2113?tls=false' npx vitest run --project db test/contract/esdb
const realServer = process.env.EVENTSTORE_URL;
if (realServer) {
  describeEventStoreContract(`EventStoreDB adapter, real server at ${new URL(realServer.replace(/^esdb(\+discover)?:/, 'http:')).host}`, async () => {
    const store = new EsdbEventStore({ connectionString: realServer });
    return { store, dispose: () => store.close() };
  });
}
