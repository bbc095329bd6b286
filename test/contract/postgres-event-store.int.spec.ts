import { EVENT_STORE_MIGRATIONS, PostgresEventStore, runMigrations } from '@ledger/event-store';
import { createTestDatabase } from '../support/test-database';
import { describeEventStoreContract } from './event-store-contract';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
  const store = new PostgresEventStore({ connectionString: database.url, pollIntervalMs: 200 });
  return {
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
});
