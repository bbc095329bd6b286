import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    const first = await startLedgerProcess({ LEDGER_DATA_DIR: dataDir });
    expect(await post(first.url)).toMatchObject({ accepted: 1 });
    expect(await first.stop()).toBe(0);
    // PostgreSQL stopped cleanly with it: no server left holding the folder.
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await startLedgerProcess({ LEDGER_DATA_DIR: dataDir });
    expect(await post(second.url)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await second.stop()).toBe(0);
  });
});
