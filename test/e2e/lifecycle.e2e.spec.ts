import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSharedBuffersMb, POSTGRES_MALLOC_TUNABLES, walBuffersMb } from '../../libs/event-store/src/embedded/embedded-postgres';
import { BUILT_LEDGER, startLedgerProcess } from '../support/ledger-process';

const fixture = readFileSync(path.resolve(__dirname, '../fixtures/genesys/01_customer.start_eventbridge.json'), 'utf8');

describe('the service as a process', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ledger-lifecycle-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['PORT', 'abc', 'PORT must be an integer from 0 to 65535, got "abc"'],
    ['PORT', '70000', 'PORT must be an integer'],
    ['LEDGER_ROLES', 'api,cook', 'LEDGER_ROLES has unknown role(s) cook'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must be a postgres:// connection string'],
    ['INGEST_MAX_BODY_BYTES', '-1', 'INGEST_MAX_BODY_BYTES must be an integer'],
    ['EMBEDDED_PG_SHARED_BUFFERS_MB', '8', 'EMBEDDED_PG_SHARED_BUFFERS_MB must be an integer from 16'],
    ['PROJECTOR_BATCH_SIZE', '50', 'PROJECTOR_BATCH_SIZE must be an integer from 100 to 200000, got "50"'],
  ])('refuses to start when %s=%s, naming the variable', (name, value, message) => {
    const result = spawnSync(process.execPath, [BUILT_LEDGER], { env: { PATH: process.env.PATH, [name]: value }, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('keeps its data across restarts of the embedded PostgreSQL and stops it on SIGTERM', async () => {
    const post = (url: string) =>
      fetch(`${url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture }).then(
        (response) => response.json() as Promise<{ accepted: number; duplicates: number }>,
      );
    /** The embedded server's own settings, read from it over the port its postmaster.pid names. */
    const serverSettings = async () => {
      const port = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
      const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      await client.connect();
      try {
        const rows = await client.query<{ mb: number; walBuffers: string; jit: string; maxWal: string; walLevel: string; collate: string }>(
          `SELECT (SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers')::int AS mb,
                  current_setting('wal_buffers') AS "walBuffers", current_setting('jit') AS jit,
                  current_setting('max_wal_size') AS "maxWal", current_setting('wal_level') AS "walLevel", (SELECT datcollate FROM pg_database WHERE datname = 'ledger') AS collate`,
        );
        return rows.rows[0];
      } finally {
        await client.end();
      }
    };
    /** The postmaster's GLIBC_TUNABLES as glibc left it: cut after the first tunable it took, so a prefix of ours. */
    const postmasterTunables = () => {
      const pid = readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0];
      const variable = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').find((entry) => entry.startsWith('GLIBC_TUNABLES='));
      return variable?.slice('GLIBC_TUNABLES='.length) ?? null;
    };
    const first = await startLedgerProcess({ LEDGER_DATA_DIR: dataDir });
    expect(await post(first.url)).toMatchObject({ accepted: 1 });
    const walBuffers = `${walBuffersMb(defaultSharedBuffersMb())}MB`;
    expect(await serverSettings()).toEqual({ mb: defaultSharedBuffersMb(), walBuffers, jit: 'off', maxWal: '4GB', walLevel: 'minimal', collate: 'C' });
    if (process.platform === 'linux') {
      const tunables = postmasterTunables() ?? 'unset';
      expect(tunables.startsWith(POSTGRES_MALLOC_TUNABLES.split(':')[0] as string) && POSTGRES_MALLOC_TUNABLES.startsWith(tunables)).toBe(true);
    }
    expect(await first.stop()).toBe(0);
    // PostgreSQL stopped cleanly with it: no server left holding the folder.
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const ownTunables = 'glibc.malloc.trim_threshold=1048576';
    const second = await startLedgerProcess({ LEDGER_DATA_DIR: dataDir, EMBEDDED_PG_SHARED_BUFFERS_MB: '160', GLIBC_TUNABLES: ownTunables });
    expect(await post(second.url)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await serverSettings()).toEqual({ mb: 160, walBuffers: '10MB', jit: 'off', maxWal: '4GB', walLevel: 'minimal', collate: 'C' });
    if (process.platform === 'linux') expect(postmasterTunables()).toBe(ownTunables);
    expect(await second.stop()).toBe(0);
  });
});
