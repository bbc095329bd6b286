import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { LEDGER_DATABASE_URL } from '../database/database.tokens';

/** A small pool for the admin endpoints (projection bookkeeping, dead letters). */
@Injectable()
export class AdminDatabase implements OnApplicationShutdown {
  readonly pool: Pool;

  constructor(@Inject(LEDGER_DATABASE_URL) databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 2 });
    this.pool.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
