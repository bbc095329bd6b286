import { LEDGER_MIGRATIONS } from '../../apps/ledger/src/database/ledger-migrations';
import { loadLedgerConfig, type LedgerConfig } from '../../apps/ledger/src/config/ledger-config';
import { createLedgerApp, type LedgerApp, type LedgerAppOverrides } from '../../apps/ledger/src/ledger-app';
import { runMigrations } from '@ledger/event-store';
import { startSuiteEventStore } from './esdb/suite-event-store';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface RunningLedger {
  readonly url: string;
  readonly database: TestDatabase;
  readonly app: LedgerApp;
  /**
   * A deploy: closes this app and boots another on the same database and event store, with `overrides` (none:
   * what the code ships). Close the one it returns; this one is done.
   */
  restart(overrides?: LedgerAppOverrides): Promise<RunningLedger>;
  close(): Promise<void>;
}

/** Boots the real app on an ephemeral port against a fresh database (or `existing`, which close() then drops). */
export async function startLedger(env: Record<string, string> = {}, existing?: TestDatabase, overrides: LedgerAppOverrides = {}): Promise<RunningLedger> {
  const database = existing ?? (await createTestDatabase());
  await runMigrations(database.url, LEDGER_MIGRATIONS);
  // LEDGER_TEST_EVENT_STORE=esdb runs the same suites with events in EventStoreDB (the project's gRPC test server).
  const eventStore = await startSuiteEventStore();
  const config = loadLedgerConfig({ PORT: '0', LOG_LEVEL: 'warn', ...eventStore.env, ...env });
  return listen(config, database, overrides, async () => {
    await eventStore.stop();
    await database.drop();
  });
}

async function listen(config: LedgerConfig, database: TestDatabase, overrides: LedgerAppOverrides, release: () => Promise<void>): Promise<RunningLedger> {
  const app = await createLedgerApp(config, database.url, overrides);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    database,
    app,
    async restart(next = {}) {
      await app.close();
      return listen(config, database, next, release);
    },
    async close() {
      await app.close();
      await release();
    },
  };
}
