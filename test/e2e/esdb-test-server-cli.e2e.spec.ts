import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

const root = path.resolve(__dirname, '../..');

/** `npm run esdb:test-server -- --port 0` in its own process group; resolves with the port it printed. */
async function startTestServerProcess(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn('npm', ['run', '--silent', 'esdb:test-server', '--', '--port', '0'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /^listening on (\d+)$/m.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`esdb test server exited with ${code}:\n${output}`)));
    setTimeout(() => reject(new Error(`esdb test server did not start within 90 s:\n${output}`)), 90_000).unref();
  });
  return { child, port, output: () => output };
}

describe('npm run esdb:test-server', () => {
  let server: { child: ChildProcess; port: number } | null = null;
  let ledger: RunningLedger | null = null;

  afterAll(async () => {
    await ledger?.close();
    // The npm script's whole process group (npm, the shell, node) was started here, detached, for this test alone.
    if (server?.child.pid !== undefined && server.child.exitCode === null) process.kill(-server.child.pid, 'SIGTERM');
  });

  it('prints `listening on N`, and the service runs on it with EVENTSTORE_URL', async () => {
    server = await startTestServerProcess();
    expect(server.port).toBeGreaterThan(0);
    ledger = await startLedger({ EVENTSTORE_URL: `esdb://127.0.0.1:${server.port}?tls=false` });
    const sample = readFileSync(path.join(root, 'test/fixtures/genesys/01_customer.start_eventbridge.json'), 'utf8');
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sample });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1 });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const detail = await fetch(`${ledger.url}/v1/interactions/2f7bf00a-0fc2-4d6a-9b56-92238191433e`);
      if (detail.status === 200) break;
      if (Date.now() > deadline) throw new Error(`the sample was never projected (last status ${detail.status})`);
      await sleep(100);
    }
  });
});
