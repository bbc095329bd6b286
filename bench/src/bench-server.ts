import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@ledger/event-store';

/** The PostgreSQL server the bench runs on, and scratch databases on it (dropped again at the end). */
export interface BenchServer {
  readonly description: string;
  createDatabase(label: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  serverVersion(): Promise<string>;
  /** The postmaster's pid when the server is the embedded one (for CPU accounting). */
  postmasterPid(): number | null;
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` set: that server (its role needs CREATEDB); each measurement gets a fresh `ledger_bench_*`
 * database. Otherwise an embedded PostgreSQL in a temporary folder, removed afterwards, as `npm start` would run.
 */
export async function startBenchServer(log: (line: string) => void): Promise<BenchServer> {
  const external = process.env.DATABASE_URL;
  if (external) return serverAt(external, `external PostgreSQL at ${new URL(external).host}`, null, async () => undefined);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ledger-bench-pg-'));
  log(`starting embedded PostgreSQL in ${dataDir}`);
  const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
  return serverAt(embedded.url, `embedded PostgreSQL (${dataDir})`, path.join(dataDir, 'pg'), async () => {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
}

function serverAt(adminUrl: string, description: string, clusterDir: string | null, stopServer: () => Promise<void>): BenchServer {
  const prefix = `ledger_bench_${randomBytes(3).toString('hex')}`;
  const created = new Set<string>();
  const admin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const nameOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));
  return {
    description,
    async createDatabase(label) {
      const name = `${prefix}_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => client.query(`CREATE DATABASE ${name}`)));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      created.add(url.toString());
      return url.toString();
    },
    async dropDatabase(url) {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${nameOf(url)} WITH (FORCE)`));
      created.delete(url);
    },
    postmasterPid() {
      if (!clusterDir) return null;
      try {
        const pid = Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        return Number.isInteger(pid) && pid > 0 ? pid : null;
      } catch {
        return null;
      }
    },
    serverVersion: () => admin(async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'),
    async stop() {
      for (const url of [...created]) await this.dropDatabase(url).catch(() => undefined);
      await stopServer();
    },
  };
}
