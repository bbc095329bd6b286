import type { NestExpressApplication } from '@nestjs/platform-express';
import { LEDGER_MIGRATIONS } from '../../apps/ledger/src/database/ledger-migrations';
import { loadLedgerConfig } from '../../apps/ledger/src/config/ledger-config';
import { createLedgerApp } from '../../apps/ledger/src/ledger-app';
import { runMigrations } from '@ledger/event-store';
import { startSuiteEventStore } from './esdb/suite-event-store';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface RunningLedger {
  readonly url: string;
  readonly database: TestDatabase;
  readonly app: NestExpressApplication;
  close(): Promise<void>;
}

/** Boots the real app on an ephemeral port against a fresh database (or `existing`, which close() then drops). */
export async function startLedger(env: Record<string, string> = {}, existing?: TestDatabase): Promise<RunningLedger> {
  const database = existing ?? (await createTestDatabase());
  await runMigrations(database.url, LEDGER_MIGRATIONS);
  // LEDGER_TEST_EVENT_STORE=esdb runs the same suites with events in EventStoreDB (the project's gRPC test server).
  const eventStore = await startSuiteEventStore();
  const config = loadLedgerConfig({ PORT: '0', LOG_LEVEL: 'warn', ...eventStore.env, ...env });
  const app = await createLedgerApp(config, database.url);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    database,
    app,
    async close() {
      await app.close();
      await eventStore.stop();
      await database.drop();
    },
  };
}
