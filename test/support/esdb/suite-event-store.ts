import { EsdbTestServer } from './esdb-test-server';

export interface SuiteEventStore {
  /** Environment to add to the service's: EVENTSTORE_URL when the suite runs on EventStoreDB, nothing otherwise. */
  env: Record<string, string>;
  server: EsdbTestServer | null;
  stop(): Promise<void>;
}

/**
 * The hook for running a whole suite on EventStoreDB: with `LEDGER_TEST_EVENT_STORE=esdb` it starts the project's
 * test server and hands back the EVENTSTORE_URL the service needs; otherwise the service keeps its PostgreSQL store.
 * (Meant for `startLedger` / `startLedgerProcess`, so every e2e suite can run a second time over gRPC.)
 */
export async function startSuiteEventStore(kind = process.env.LEDGER_TEST_EVENT_STORE): Promise<SuiteEventStore> {
  if (kind !== 'esdb') return { env: {}, server: null, stop: async () => undefined };
  const server = await EsdbTestServer.start();
  return { env: { EVENTSTORE_URL: server.connectionString }, server, stop: () => server.stop() };
}
