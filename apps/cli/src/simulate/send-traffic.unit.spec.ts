import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTraffic } from './generate-traffic';
import { parseRetryAfter, sendTraffic } from './send-traffic';

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
type Handler = (request: { path: string; contentType: string; events: unknown[] }) => Reply | Promise<Reply>;

const servers: { close: () => void }[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

async function fakeLedger(handler: Handler): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const events = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
      void Promise.resolve(
        handler({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', events }),
      ).then((reply) => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body ?? {}));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const deliveries = generateTraffic({ seed: 5, conversations: 20, startTime: new Date(0), duplicateRate: 0 }).deliveries;
const accepted = (events: unknown[]): Reply => ({
  status: 202,
  body: { accepted: events.length - 1, duplicates: 1, filtered: 0, rejected: [] },
});

describe('sendTraffic', () => {
  it('posts JSON arrays of batchSize events to /v1/ingest/genesys and adds up the answers', async () => {
    const seen: { path: string; contentType: string; size: number }[] = [];
    const url = await fakeLedger(({ path, contentType, events }) => {
      seen.push({ path, contentType, size: events.length });
      return accepted(events);
    });
    const totals = await sendTraffic(deliveries, { url, batchSize: 50, concurrency: 3 });
    const batches = Math.ceil(deliveries.length / 50);
    expect(seen).toHaveLength(batches);
    expect(seen.every((request) => request.path === '/v1/ingest/genesys')).toBe(true);
    expect(seen.every((request) => request.contentType === 'application/json')).toBe(true);
    expect(seen.map((request) => request.size).sort((a, b) => b - a)[0]).toBe(50);
    expect(totals).toMatchObject({
      sent: deliveries.length,
      accepted: deliveries.length - batches,
      duplicates: batches,
    });
    expect(totals).toMatchObject({ rejected: 0, httpErrors: 0, retries: 0 });
  });

  it('retries a saturated ledger after its Retry-After', async () => {
    let calls = 0;
    const url = await fakeLedger(({ events }) =>
      (calls += 1) === 1 ? { status: 503, headers: { 'retry-after': '1' } } : accepted(events),
    );
    const startedAt = performance.now();
    const totals = await sendTraffic(deliveries.slice(0, 10), { url, batchSize: 10 });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(950);
    expect(totals).toMatchObject({ sent: 10, accepted: 9, retries: 1, httpErrors: 0 });
  });

  it('counts a batch the ledger refuses as an HTTP error, without retrying', async () => {
    let calls = 0;
    const url = await fakeLedger(() => {
      calls += 1;
      return { status: 400, body: { error: { code: 'INGEST.BAD_ENVELOPE', message: 'bad' } } };
    });
    const totals = await sendTraffic(deliveries.slice(0, 10), { url, batchSize: 5 });
    expect(calls).toBe(2);
    expect(totals).toMatchObject({ sent: 10, accepted: 0, httpErrors: 2, failedEvents: 10, retries: 0 });
    expect(totals.errors[0]).toContain('HTTP 400');
  });

  it('counts per-event rejections from a 202', async () => {
    const url = await fakeLedger(({ events }) => ({
      status: 202,
      body: { accepted: events.length - 2, duplicates: 0, filtered: 0, rejected: [{ index: 0 }, { index: 1 }] },
    }));
    const totals = await sendTraffic(deliveries.slice(0, 10), { url, batchSize: 10 });
    expect(totals).toMatchObject({ accepted: 8, rejected: 2, httpErrors: 0 });
  });

  it('keeps at most `concurrency` requests in flight and paces to `rate`', async () => {
    let inFlight = 0;
    let most = 0;
    const url = await fakeLedger(async ({ events }) => {
      most = Math.max(most, (inFlight += 1));
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight -= 1;
      return accepted(events);
    });
    await sendTraffic(deliveries, { url, batchSize: 5, concurrency: 2 });
    expect(most).toBe(2);

    const startedAt = performance.now();
    await sendTraffic(deliveries.slice(0, 200), { url, batchSize: 50, concurrency: 4, rate: 1000 });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2024-05-01T08:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 08:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
