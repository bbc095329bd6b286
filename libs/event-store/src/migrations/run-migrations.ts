import { DataSource, type MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/**
 * Applies pending migrations in one transaction each, guarded by TypeORM's migrations table. Two processes starting
 * at once are serialised by an advisory lock so neither sees a half-made schema.
 */
export async function runMigrations(connectionString: string, migrations: MigrationClass[]): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: connectionString,
    migrations,
    migrationsTableName: 'ledger_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock(7244001)');
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock(7244001)').catch(() => undefined);
    await dataSource.destroy();
  }
}

/** Names of migrations not yet applied (readiness check). */
export async function pendingMigrations(connectionString: string, migrations: MigrationClass[]): Promise<boolean> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: connectionString,
    migrations,
    migrationsTableName: 'ledger_migrations',
    logging: false,
  });
  await dataSource.initialize();
  try {
    return await dataSource.showMigrations();
  } finally {
    await dataSource.destroy();
  }
}
