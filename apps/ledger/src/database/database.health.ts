import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { LEDGER_DATABASE_URL } from './database.tokens';
import { LEDGER_MIGRATIONS } from './ledger-migrations';

@Injectable()
export class DatabaseHealth {
  private readonly pool: Pool;
  private migrationsApplied = false;

  constructor(@Inject(LEDGER_DATABASE_URL) databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 2000 });
    this.pool.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Compares the migrations table with the code's list; once all are applied they stay applied. */
  async hasPendingMigrations(): Promise<boolean> {
    if (this.migrationsApplied) return false;
    const applied = await this.pool.query<{ name: string }>('SELECT name FROM ledger_migrations');
    const names = new Set(applied.rows.map((row) => row.name));
    this.migrationsApplied = LEDGER_MIGRATIONS.every((migration) => names.has(new migration().name ?? migration.name));
    return !this.migrationsApplied;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
