import autocannon from 'autocannon';
import { Pool, request } from 'undici';
import { elapsedMs, percentile } from './stats';

export interface LoadResult {
  requests: number;
  /** Responses other than the expected status, and connection errors. */
  failures: number;
  wallMs: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  statusCodes: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Fixed number of requests, or else run for `durationS`. */
  amount?: number;
  durationS?: number;
  method?: 'GET' | 'POST';
  /** Path (and body) of the i-th request. */
  next: (index: number) => { path: string; body?: Buffer | string };
  expectStatus: number;
  headers?: Record<string, string>;
}

/** Closed-loop load with autocannon: `connections` clients, each sending its next request when the last answers. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let index = 0;
  const started = process.hrtime.bigint();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 10 }),
        timeout: 30,
        headers: options.headers,
        requests: [
          {
            method: options.method ?? 'GET',
            setupRequest: (req) => {
              const next = options.next(index++);
              return { ...req, path: next.path, ...(next.body !== undefined ? { body: next.body } : {}) };
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error as Error) : resolve(finished)),
    );
    // autocannon notices that `amount` requests are done on its once-a-second tick: timed by its own end, a 2.2 s
    // run would count as 3 s. The run ends with its last response.
    instance.on('response', () => {
      lastResponse = process.hrtime.bigint();
    });
  });
  const wallMs = Number(lastResponse - started) / 1e6;
  const statusCodes: Record<string, number> = {};
  let expected = 0;
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stats.count ?? 0;
    if (Number(code) === options.expectStatus) expected += stats.count ?? 0;
  }
  const requests = result.requests.total;
  return {
    requests,
    failures: requests - expected + result.errors,
    wallMs,
    rps: (expected / wallMs) * 1000,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statusCodes,
  };
}

/** One client, one request at a time, timed with the high-resolution clock (sub-millisecond medians). */
export async function timeSequential(
  url: string,
  paths: readonly string[],
  expectStatus = 200,
): Promise<{ p50Ms: number | null; p99Ms: number | null; samples: number; lastBody: unknown }> {
  const latencies: number[] = [];
  let lastBody: unknown = null;
  for (const path of paths) {
    const started = process.hrtime.bigint();
    const response = await request(new URL(path, url), { method: 'GET' });
    const text = await response.body.text();
    const ms = elapsedMs(started);
    if (response.statusCode !== expectStatus) throw new Error(`GET ${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    latencies.push(ms);
    lastBody = JSON.parse(text) as unknown;
  }
  return { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), samples: latencies.length, lastBody };
}

/** Status and body of one GET: tells whether an endpoint exists before it is loaded. */
export async function probe(url: string, path: string): Promise<{ status: number; body: string }> {
  const response = await request(new URL(path, url), { method: 'GET' });
  return { status: response.statusCode, body: await response.body.text() };
}

/**
 * Closed-loop load with undici: `connections` clients over keep-alive sockets, each sending its next request when the
 * last answers, latencies from the high-resolution clock. Lighter than autocannon per request (bodies are sent as
 * the Buffers given, nothing is rebuilt per request), which matters when the client shares two cores with the service.
 */
export async function runUndiciLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let failures = 0;
  let index = 0;
  const started = process.hrtime.bigint();
  const deadline = options.amount === undefined ? Date.now() + (options.durationS ?? 10) * 1000 : Infinity;
  const more = (): boolean => (options.amount !== undefined ? index < options.amount : Date.now() < deadline);
  const client = async (): Promise<void> => {
    while (more()) {
      const next = options.next(index++);
      const sent = process.hrtime.bigint();
      try {
        const response = await pool.request({
          path: next.path,
          method: options.method ?? 'GET',
          headers: options.headers,
          ...(next.body !== undefined ? { body: next.body } : {}),
        });
        await response.body.dump();
        latencies.push(elapsedMs(sent));
        statusCodes[response.statusCode] = (statusCodes[response.statusCode] ?? 0) + 1;
        if (response.statusCode !== options.expectStatus) failures++;
      } catch {
        failures++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, client));
  } finally {
    await pool.close();
  }
  const wallMs = elapsedMs(started);
  return {
    requests: index,
    failures,
    wallMs,
    rps: ((statusCodes[options.expectStatus] ?? 0) / wallMs) * 1000,
    p50Ms: percentile(latencies, 50) ?? 0,
    p99Ms: percentile(latencies, 99) ?? 0,
    statusCodes,
  };
}
