import { DataSource, type MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

/** Serialises processes migrating the same database (two starting at once, or a start and a revert). */
const MIGRATIONS_LOCK = 7244001;

const migrationsDataSource = (connectionString: string, migrations: MigrationClass[]): DataSource =>
  new DataSource({
    type: 'postgres',
    url: connectionString,
    migrations,
    migrationsTableName: 'ledger_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });

/** Runs `work` on an initialised data source holding the migrations lock. */
async function whileLocked<T>(connectionString: string, migrations: MigrationClass[], work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = migrationsDataSource(connectionString, migrations);
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK]);
    return await work(dataSource);
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK]).catch(() => undefined);
    await dataSource.destroy();
  }
}

/**
 * Applies pending migrations in one transaction each, guarded by TypeORM's migrations table. Two processes starting
 * at once are serialised by an advisory lock so neither sees a half-made schema.
 */
export async function runMigrations(connectionString: string, migrations: MigrationClass[]): Promise<string[]> {
  return whileLocked(connectionString, migrations, async (dataSource) => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}

/**
 * Runs `down` of the applied migrations, newest first, until `through` (its name) has been undone too; each in a
 * transaction of its own. Answers the names undone, in that order. Throws when `through` was never applied.
 */
export async function revertMigrations(connectionString: string, migrations: MigrationClass[], through: string): Promise<string[]> {
  return whileLocked(connectionString, migrations, async (dataSource) => {
    const [target] = await dataSource.query<unknown[]>('SELECT 1 FROM ledger_migrations WHERE name = $1', [through]);
    if (!target) throw new Error(`${through} was never applied`);
    const undone: string[] = [];
    for (;;) {
      const [last] = await dataSource.query<{ name: string }[]>('SELECT name FROM ledger_migrations ORDER BY id DESC LIMIT 1');
      await dataSource.undoLastMigration({ transaction: 'each' });
      undone.push(last?.name ?? '');
      if (last?.name === through) return undone;
    }
  });
}

/** Names of migrations not yet applied (readiness check). */
export async function pendingMigrations(connectionString: string, migrations: MigrationClass[]): Promise<boolean> {
  const dataSource = migrationsDataSource(connectionString, migrations);
  await dataSource.initialize();
  try {
    return await dataSource.showMigrations();
  } finally {
    await dataSource.destroy();
  }
}
