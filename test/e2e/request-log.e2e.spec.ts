import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startLedgerProcess, type LedgerProcess } from '../support/ledger-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method: string; url: string; headers: Record<string, string> };
  res?: { statusCode: number };
  responseTime?: number;
  err?: { message: string };
}

const DEBUG = 20;
const ERROR = 50;

/** The JSON lines the process has written so far (its start-up lines included). */
function logLines(ledger: LedgerProcess): LogLine[] {
  return ledger
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Lines are written as the response goes out, so the client may see the answer a moment before its line. */
async function eventually<T>(read: () => T | undefined): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no such log line within 5 s');
}

/** The service as a user runs it: what its request lines say, at which level, and what they never say. */
describe('request log lines', () => {
  let database: TestDatabase | undefined;
  let ledger: LedgerProcess | undefined;
  afterEach(async () => {
    await ledger?.stop();
    await database?.drop();
  });

  it('at LOG_LEVEL=debug: one line per request, with its status and time, credentials redacted', async () => {
    database = await createTestDatabase('ledger_request_log');
    ledger = await startLedgerProcess({ DATABASE_URL: database.url, LEDGER_ROLES: 'api', LOG_LEVEL: 'debug' });
    const response = await fetch(`${ledger.url}/v1/interactions/not-there?x=1`, { headers: { authorization: 'Bearer top-secret', cookie: 'session=s3cret' } });
    expect(response.status).toBe(400);

    const line = await eventually(() => logLines(ledger as LedgerProcess).find((entry) => entry.msg === 'request completed' && entry.req?.url === '/v1/interactions/not-there?x=1'));
    expect(line).toMatchObject({ level: DEBUG, req: { method: 'GET', headers: { authorization: '[Redacted]', cookie: '[Redacted]' } }, res: { statusCode: 400 } });
    expect(line.reqId).toEqual(expect.any(String));
    expect(line.responseTime).toBeGreaterThan(0);
    expect(ledger.output()).not.toContain('top-secret');
    expect(ledger.output()).not.toContain('s3cret');
  });

  it('at LOG_LEVEL=info: nothing for requests that went right, an error line for a 500, tied to the error by its request id', async () => {
    database = await createTestDatabase('ledger_request_log');
    ledger = await startLedgerProcess({ DATABASE_URL: database.url, LEDGER_ROLES: 'api', LOG_LEVEL: 'info' });
    expect((await fetch(`${ledger.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${ledger.url}/v1/interactions/not-there`)).status).toBe(404);

    // The read model's view gone from under the service: the next lookup fails in a way no handler expects.
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('DROP VIEW interactions');
    } finally {
      await client.end();
    }
    const failed = await fetch(`${ledger.url}/v1/interactions/not-there`, { headers: { authorization: 'Bearer top-secret' } });
    expect(failed.status).toBe(500);

    const requestLine = await eventually(() => logLines(ledger as LedgerProcess).find((entry) => entry.msg === 'request errored'));
    expect(requestLine).toMatchObject({ level: ERROR, req: { method: 'GET', url: '/v1/interactions/not-there', headers: { authorization: '[Redacted]' } }, res: { statusCode: 500 } });
    const errorLine = logLines(ledger).find((entry) => entry.msg === 'unhandled error');
    expect(errorLine).toMatchObject({ level: ERROR, reqId: requestLine.reqId, err: { message: expect.stringContaining('interactions') } });
    // The two requests that went right left no line at this level.
    expect(logLines(ledger).filter((entry) => entry.req !== undefined)).toHaveLength(1);
  });
});
