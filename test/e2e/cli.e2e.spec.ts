import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * The `ledger` CLI as a user runs it: the built `dist/apps/cli/main.js` in its own process, against an in-process
 * ledger (or a stub where only the ledger's answer matters).
 */
const root = path.resolve(__dirname, '../..');
const CLI = path.join(root, 'dist/apps/cli/main.js');
const T0 = Date.UTC(2025, 3, 10, 9, 0, 0);
const uuid = (n: number) => `c11e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Asynchronous on purpose: the ledger answering the CLI runs in this very process. */
function cli(args: string[], input?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, CI: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Four detail events per conversation, as NDJSON lines. */
function conversationLines(from: number, count: number): string[] {
  const lines: string[] = [];
  for (let n = from; n < from + count; n += 1) {
    const id = uuid(n);
    const at = T0 + n * 60_000;
    const event = (kind: string, offset: number, body: Record<string, unknown>) =>
      JSON.stringify({ topicName: `v2.detail.events.conversation.${id}.${kind}`, version: '2', eventBody: { eventTime: at + offset, conversationId: id, mediaType: 'VOICE', direction: 'INBOUND', ...body } });
    lines.push(
      event('customer.start', 0, { participantId: `c-${n}` }),
      event('acd.start', 1_000, { participantId: `q-${n}`, queueId: 'q-cli' }),
      event('acd.end', 20_000, { participantId: `q-${n}`, queueId: 'q-cli', acdOutcome: 'ABANDON' }),
      event('customer.end', 20_000, { participantId: `c-${n}`, disconnectType: 'PEER' }),
    );
  }
  return lines;
}

const summaryOf = (run: CliRun) => JSON.parse(run.stdout) as Record<string, any>;

describe('ledger CLI', () => {
  let ledger: RunningLedger;
  let dir: string;
  /** A pass-through proxy to the ledger that can start refusing requests, to interrupt an import. */
  let proxy: Server;
  let proxyUrl: string;
  let proxyRefuseAfter = Infinity;
  let proxyRequests = 0;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'apps/cli/tsconfig.app.json'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building the CLI failed:\n${build.stdout}${build.stderr}`);
    ledger = await startLedger({ INGEST_MAX_ITEMS: '10000' });
    dir = mkdtempSync(path.join(os.tmpdir(), 'ledger-cli-'));
    proxy = createServer(async (request, response) => {
      proxyRequests += 1;
      if (proxyRequests > proxyRefuseAfter) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'AUTH.MISSING_KEY', message: 'no API key', details: {} } }));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${ledger.url}${request.url}`, {
        method: request.method,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }, 180_000);
  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    await ledger?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('import streams a file in batches and prints {lines, accepted, duplicates, filtered, rejected}', async () => {
    const file = path.join(dir, 'day.ndjson');
    const lines = conversationLines(0, 50);
    const heartbeat = JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });
    // 200 events, one of them twice, a heartbeat, a broken line and blank lines.
    writeFileSync(file, [...lines.slice(0, 100), '', lines[5], heartbeat, '{"topicName": "v2.detail', ...lines.slice(100), ''].join('\n'));
    const run = await cli(['import', file, '--url', ledger.url, '--batch-size', '37']);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ lines: 203, accepted: 200, duplicates: 1, filtered: 1, rejected: 1, skipped: 0, complete: true, batches: 6 });
    expect(summaryOf(run).rejections).toEqual([{ line: 104, code: 'INGEST.MALFORMED_LINE', message: expect.stringContaining('not valid JSON') }]);
    expect(run.stderr).toContain('accepted 200, duplicates 1, filtered 1, rejected 1');
    const state = JSON.parse(readFileSync(`${file}.ledger-import.json`, 'utf8'));
    expect(state).toMatchObject({ version: 1, complete: true, acknowledged: { lines: 204 }, totals: { accepted: 200 } });

    // Appended lines: --resume sends only those.
    appendFileSync(file, `${conversationLines(50, 5).join('\n')}\n`);
    const resumed = await cli(['import', file, '--url', ledger.url, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(summaryOf(resumed)).toMatchObject({ skipped: 204, lines: 20, accepted: 20, duplicates: 0, complete: true });
  });

  it('an interrupted import resumes after the last acknowledged line, and refuses a changed file', async () => {
    const file = path.join(dir, 'interrupted.ndjson');
    writeFileSync(file, `${conversationLines(100, 25).join('\n')}\n`);
    proxyRequests = 0;
    proxyRefuseAfter = 2;
    const first = await cli(['import', file, '--url', proxyUrl, '--batch-size', '10', '--concurrency', '1']);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('AUTH.MISSING_KEY');
    const state = JSON.parse(readFileSync(`${file}.ledger-import.json`, 'utf8'));
    expect(state).toMatchObject({ complete: false, acknowledged: { lines: 20 }, totals: { lines: 20, accepted: 20 } });

    proxyRefuseAfter = Infinity;
    const resumed = await cli(['import', file, '--url', proxyUrl, '--resume', '--batch-size', '10']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(summaryOf(resumed)).toMatchObject({ skipped: 20, lines: 80, accepted: 80, duplicates: 0, complete: true });

    const otherUrl = await cli(['import', file, '--url', ledger.url, '--resume']);
    expect(otherUrl.code).toBe(2);
    expect(otherUrl.stderr).toContain('records an import into');

    writeFileSync(file, readFileSync(file, 'utf8').replace('"version":"2"', '"version":"3"'));
    const changed = await cli(['import', file, '--url', proxyUrl, '--resume']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('the input changed');
  });

  it('import reads stdin with -, and refuses bad input with a clear message', async () => {
    const run = await cli(['import', '-', '--url', ledger.url], `${conversationLines(200, 2).join('\n')}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ input: 'stdin', lines: 8, accepted: 8, stateFile: null });

    const cases: [string[], number, string][] = [
      [['import', path.join(dir, 'missing.ndjson')], 2, 'no such file'],
      [['import', dir], 2, 'is not a file'],
      [['import', '-', '--resume'], 2, '--resume needs a file'],
      [['import', '-', '--batch-size', '0'], 2, '--batch-size'],
      [['import', '-', '--url', 'ftp://example.com'], 2, '--url must be http or https'],
      [['import'], 1, "missing required argument 'file'"],
    ];
    for (const [args, code, message] of cases) {
      const refused = await cli(args);
      expect({ args, code: refused.code }).toEqual({ args, code });
      expect(refused.stderr).toContain(message);
    }
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await cli(['import', '-', '--url', closedUrl, '--max-attempts', '2'], `${conversationLines(300, 1)[0]}\n`);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`cannot reach the ledger at ${closedUrl}: ECONNREFUSED`);
  }, 60_000);

  it('import sends --api-key as a bearer token; without one, a 401 stops it with a clear message', async () => {
    const key = 'cli-test-key-0123456789abcdefghij';
    const secured = await startLedger({ LEDGER_API_KEYS: `cli:${key}:ingest` });
    try {
      const input = `${conversationLines(400, 1).join('\n')}\n`;
      const refused = await cli(['import', '-', '--url', secured.url], input);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('the ledger refused the import');
      expect(refused.stderr).toContain('--api-key');
      const accepted = await cli(['import', '-', '--url', secured.url, '--api-key', key], input);
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(summaryOf(accepted)).toMatchObject({ lines: 4, accepted: 4 });
    } finally {
      await secured.close();
    }
  });

  it('replay prints the state at a past instant as JSON', async () => {
    const id = uuid(3);
    const at = new Date(T0 + 3 * 60_000 + 10_000).toISOString();
    const run = await cli(['replay', id, '--at', at, '--known-at', new Date().toISOString(), '--url', ledger.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ at, eventsApplied: 2, state: { conversationId: id, phase: 'queued', queueIds: ['q-cli'] } });

    const unknown = await cli(['replay', uuid(9999), '--url', ledger.url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no interaction ${uuid(9999)}`);
    const badTime = await cli(['replay', id, '--at', '10:42', '--url', ledger.url]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('--at must be an ISO 8601 timestamp');
  });

  it('projections prints a status table, or the JSON', async () => {
    const table = await cli(['projections', '--url', ledger.url]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+VERSION\s+PHASE\s+POSITION/);
    expect(table.stdout).toMatch(/\ninteractions\s+v\d+\s+\S+/);
    const json = await cli(['projections', '--json', '--url', ledger.url]);
    expect(JSON.parse(json.stdout).items.map((item: { name: string }) => item.name)).toContain('interactions');
  });

  it('rebuild names an unknown projection clearly and follows a real rebuild to the swap', async () => {
    const unknown = await cli(['rebuild', 'nope', '--url', ledger.url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown projection "nope"');
    const bad = await cli(['rebuild', '../x', '--url', ledger.url]);
    expect(bad.code).toBe(2);

    const run = await cli(['rebuild', 'interactions', '--interval', '0.2', '--timeout', '90', '--url', ledger.url]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ projection: 'interactions', version: expect.any(Number) });
    expect(result.version).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

describe('ledger rebuild against a stub ledger', () => {
  let server: Server;
  let url: string;
  let polls = 0;
  let conflict = false;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: the suite above builds it`);
    server = createServer((request, response) => {
      const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (request.method === 'POST' && conflict) return json(409, { error: { code: 'PROJECTION.REBUILD_RUNNING', message: 'a rebuild of interactions is running', details: {} } });
      if (request.method === 'POST') return json(202, { id: '7', targetVersion: 4, phase: 'requested', eventsDone: 0, eventsTotal: 1000 });
      polls += 1;
      const rebuild =
        polls < 3 ? { id: '7', targetVersion: 4, phase: 'filling', eventsDone: polls * 400, eventsTotal: 1000, eventsPerSecond: 400, etaSeconds: 1 }
        : polls < 4 ? { id: '7', targetVersion: 4, phase: 'swapping', eventsDone: 1000, eventsTotal: 1000 }
        : polls < 5 ? { id: '7', targetVersion: 4, phase: 'done', eventsDone: 1000, eventsTotal: 1000 }
        : null;
      // Poll 4 shows the rebuild done but the old active version (a status read between two commits).
      return json(200, { items: [{ name: 'interactions', version: polls < 5 ? 3 : 4, phase: 'live', position: '10', eventsApplied: 1000, eventsPerSecond: 0, rebuild }] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('follows the progress until the target version serves, through a stale status and a cleared `rebuild`', async () => {
    const run = await cli(['rebuild', 'interactions', '--interval', '0.1', '--url', url]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ projection: 'interactions', version: 4 });
    expect(run.stderr).toContain('v4 filling 40% (400/1,000)');
    expect(polls).toBe(5);
  });

  it('a rebuild already running is a clear 409 message and a non-zero exit', async () => {
    conflict = true;
    const run = await cli(['rebuild', 'interactions', '--url', url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('a rebuild of interactions is already running');
    expect(run.stderr).toContain('PROJECTION.REBUILD_RUNNING');
  });
});
