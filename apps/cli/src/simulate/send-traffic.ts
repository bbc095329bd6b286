import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { EventBridgeEvent } from './genesys-messages';

export interface SendTrafficOptions {
  /** Base URL of the ledger, e.g. `http://127.0.0.1:3000`; events go to `<url>/v1/ingest/genesys`. */
  url: string;
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Events per second; 0 or absent sends as fast as the ledger accepts. */
  rate?: number;
  /** Attempts per batch, the first included, before the batch counts as an HTTP error. */
  maxAttempts?: number;
  /** Longest Retry-After honoured; a longer one is shortened to this. */
  maxRetryAfterMs?: number;
  headers?: Record<string, string>;
  onProgress?: (progress: SendProgress) => void;
  signal?: AbortSignal;
}

export interface SendTotals {
  /** Events posted (each counted once, however many attempts its batch took). */
  sent: number;
  accepted: number;
  duplicates: number;
  filtered: number;
  /** Events the ledger answered for but refused one by one (`rejected[]` of a 202). */
  rejected: number;
  /** Batches that still failed after their retries. */
  httpErrors: number;
  /** Events in those batches. */
  failedEvents: number;
  retries: number;
  /** The first few distinct failure messages, to show the user. */
  errors: string[];
}

export interface SendProgress {
  done: number;
  total: number;
  totals: Readonly<SendTotals>;
}

export const INGEST_PATH = '/v1/ingest/genesys';
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_ERROR_SAMPLES = 5;

/** Posts the deliveries in order-preserving batches; retries saturation (503 + Retry-After) and network failures. */
export async function sendTraffic(
  deliveries: readonly EventBridgeEvent[],
  options: SendTrafficOptions,
): Promise<SendTotals> {
  const batchSize = Math.max(1, options.batchSize ?? 50);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const rate = options.rate ?? 0;
  const endpoint = new URL(INGEST_PATH, options.url).toString();
  const totals: SendTotals = {
    sent: 0,
    accepted: 0,
    duplicates: 0,
    filtered: 0,
    rejected: 0,
    httpErrors: 0,
    failedEvents: 0,
    retries: 0,
    errors: [],
  };
  const batches: EventBridgeEvent[][] = [];
  for (let i = 0; i < deliveries.length; i += batchSize) batches.push(deliveries.slice(i, i + batchSize));

  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const post: PostBatch = async (body) => {
    const response = await request(endpoint, {
      method: 'POST',
      dispatcher,
      headers: { ...options.headers, 'content-type': 'application/json' },
      body,
      signal: options.signal,
    });
    const text = await response.body.text();
    return { status: response.statusCode, retryAfter: headerValue(response.headers['retry-after']), text };
  };
  // Pacing reserves consecutive time slots instead of a fixed schedule, so a stall is not followed by a burst.
  let nextSlotAt = performance.now();
  let nextBatch = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let index = nextBatch++; index < batches.length; index = nextBatch++) {
      const batch = batches[index] ?? [];
      if (rate > 0) {
        const startAt = Math.max(nextSlotAt, performance.now());
        nextSlotAt = startAt + (batch.length / rate) * 1000;
        await sleep(startAt - performance.now(), undefined, { signal: options.signal });
      }
      await sendBatch(batch, post, options, totals);
      done += batch.length;
      options.onProgress?.({ done, total: deliveries.length, totals });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  } finally {
    await dispatcher.close();
  }
  return totals;
}

type PostBatch = (body: string) => Promise<{ status: number; retryAfter: string | undefined; text: string }>;

async function sendBatch(
  batch: readonly EventBridgeEvent[],
  post: PostBatch,
  options: SendTrafficOptions,
  totals: SendTotals,
): Promise<void> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const body = JSON.stringify(batch);
  totals.sent += batch.length;
  for (let attempt = 1; ; attempt += 1) {
    let failure: string;
    let retryable = true;
    let waitMs = backoffMs(attempt);
    try {
      const response = await post(body);
      if (response.status >= 200 && response.status < 300) {
        addIngestResult(totals, response.text);
        return;
      }
      failure = `HTTP ${response.status}: ${response.text.slice(0, 200)}`;
      retryable = RETRYABLE_STATUS.has(response.status);
      const retryAfterMs = parseRetryAfter(response.retryAfter, Date.now());
      if (retryAfterMs !== undefined) waitMs = Math.min(retryAfterMs, maxRetryAfterMs);
    } catch (error: unknown) {
      if (options.signal?.aborted) throw error;
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (!retryable || attempt >= maxAttempts) {
      totals.httpErrors += 1;
      totals.failedEvents += batch.length;
      if (totals.errors.length < MAX_ERROR_SAMPLES && !totals.errors.includes(failure)) totals.errors.push(failure);
      return;
    }
    totals.retries += 1;
    await sleep(waitMs, undefined, { signal: options.signal });
  }
}

/** Adds a 202 body `{accepted, duplicates, filtered, rejected: [...]}`; anything it lacks counts as zero. */
function addIngestResult(totals: SendTotals, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof parsed !== 'object' || parsed === null) return;
  const result = parsed as Record<string, unknown>;
  const count = (value: unknown): number =>
    Array.isArray(value) ? value.length : typeof value === 'number' && Number.isFinite(value) ? value : 0;
  totals.accepted += count(result['accepted']);
  totals.duplicates += count(result['duplicates']);
  totals.filtered += count(result['filtered']);
  totals.rejected += count(result['rejected']);
}

/** Retry-After is whole seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function backoffMs(attempt: number): number {
  const base = Math.min(5_000, 200 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
