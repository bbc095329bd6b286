import { Client } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { revertMigrations, runMigrations } from '@ledger/event-store';
import { LEDGER_MIGRATIONS } from '../../apps/ledger/src/database/ledger-migrations';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface MigrationFixture {
  database: TestDatabase;
  /** Connected to the database, which holds the schema as it was before the migration under test. */
  client: Client;
  /** Runs every migration, the one under test included. */
  migrate(): Promise<void>;
  /** Runs `down` of every migration from the newest back to the one under test, that one included. */
  revert(): Promise<void>;
  dispose(): Promise<void>;
}

/** A fresh database migrated up to, not including, `migration`: the test writes rows in the old schema, then migrates. */
export async function databaseBefore(migration: (typeof LEDGER_MIGRATIONS)[number]): Promise<MigrationFixture> {
  const database = await createTestDatabase();
  await runMigrations(database.url, LEDGER_MIGRATIONS.slice(0, LEDGER_MIGRATIONS.indexOf(migration)));
  const client = new Client({ connectionString: database.url });
  await client.connect();
  return {
    database,
    client,
    migrate: async () => void (await runMigrations(database.url, LEDGER_MIGRATIONS)),
    revert: async () => void (await revertMigrations(database.url, LEDGER_MIGRATIONS, migration.name)),
    async dispose() {
      await client.end();
      await database.drop();
    },
  };
}

/**
 * `databaseBefore(migration)` for a whole suite: made before its tests, dropped after. Read `client` and call
 * `migrate()` inside tests only (they are set in beforeAll).
 */
export function useDatabaseBefore(migration: (typeof LEDGER_MIGRATIONS)[number]): { client: Client; url: string; migrate(): Promise<void>; revert(): Promise<void> } {
  let fixture: MigrationFixture | undefined;
  const ready = (): MigrationFixture => {
    if (!fixture) throw new Error('the migration fixture is used outside a test');
    return fixture;
  };
  beforeAll(async () => {
    fixture = await databaseBefore(migration);
  });
  afterAll(async () => fixture?.dispose());
  return {
    get client() {
      return ready().client;
    },
    get url() {
      return ready().database.url;
    },
    migrate: () => ready().migrate(),
    revert: () => ready().revert(),
  };
}
