import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../libs/event-store/src/embedded/embedded-postgres';

/**
 * The database suites run against `DATABASE_URL` when it is set (CI's second pass: the machine's PostgreSQL),
 * otherwise against an embedded PostgreSQL started here, as a user's `npm test` would.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    process.env.LEDGER_TEST_SERVER_URL = process.env.DATABASE_URL;
    return async () => undefined;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ledger-test-pg-'));
  const server: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
  process.env.LEDGER_TEST_SERVER_URL = server.url;
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
