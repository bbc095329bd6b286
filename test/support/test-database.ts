import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, so suites running side by side never see each other's rows. */
export async function createTestDatabase(prefix = 'ledger_test'): Promise<TestDatabase> {
  const serverUrl = process.env.LEDGER_TEST_SERVER_URL ?? process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('LEDGER_TEST_SERVER_URL is not set: run database suites through vitest (global setup)');
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
