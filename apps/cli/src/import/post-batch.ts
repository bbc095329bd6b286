import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../common/cli-error';
import { describeApiError, type LedgerClient, type LedgerResponse } from '../common/ledger-client';
import { parseRetryAfter } from '../simulate/send-traffic';
import type { NdjsonItem } from './ndjson-batches';

export const INGEST_PATH = '/v1/ingest/genesys';

export interface LineRejection {
  line: number;
  code: string;
  message: string;
}

/** The ledger's definitive answer for a batch: every line is accepted, a duplicate, filtered or rejected. */
export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  filtered: number;
  rejections: LineRejection[];
  retries: number;
}

export interface PostBatchOptions {
  /** Attempts per request before the batch counts as failed. */
  maxAttempts?: number;
  maxRetryAfterMs?: number;
  signal?: AbortSignal;
}

/** Transient failures outlasted the retries: the batch was not acknowledged, a later `--resume` sends it again. */
export class BatchFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchFailedError';
  }
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/**
 * Posts one batch as NDJSON until the ledger gives a definitive answer. Saturation (503 + Retry-After), 5xx and
 * network failures are retried with backoff; a body too large is split in halves; authentication and other client
 * errors stop the import, since every later batch would meet them too.
 */
export async function postBatch(client: LedgerClient, items: readonly NdjsonItem[], options: PostBatchOptions = {}): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { accepted: 0, duplicates: 0, filtered: 0, rejections: [], retries: 0 };
  const response = await postWithRetries(client, items, options, outcome);
  if (response.status === 202 || response.status === 200) {
    addAccepted(outcome, response.body, items);
    return outcome;
  }
  if (response.status === 413 && items.length > 1) {
    const middle = Math.ceil(items.length / 2);
    for (const half of [items.slice(0, middle), items.slice(middle)]) merge(outcome, await postBatch(client, half, options));
    return outcome;
  }
  const error = errorOf(response.body);
  if (response.status === 413 || (response.status === 400 && error.code !== 'INGEST.EMPTY_BODY')) {
    // Nothing in the batch could be accepted: the ledger lists why per line, or the one line is too large.
    const listed = rejectionsOf(error.details, items);
    outcome.rejections.push(...(listed.length > 0 ? listed : items.map((item) => ({ line: item.line, code: error.code ?? `HTTP.${response.status}`, message: error.message ?? describeApiError(response) }))));
    return outcome;
  }
  if (response.status === 401 || response.status === 403) {
    throw new CliError(`the ledger refused the import (${describeApiError(response)}); pass --api-key or set LEDGER_API_KEY`);
  }
  throw new CliError(`the ledger answered ${describeApiError(response)} for lines ${items[0]?.line}-${items[items.length - 1]?.line}`);
}

async function postWithRetries(client: LedgerClient, items: readonly NdjsonItem[], options: PostBatchOptions, outcome: BatchOutcome): Promise<LedgerResponse> {
  const body = items.map((item) => item.text).join('\n');
  const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
  for (let attempt = 1; ; attempt += 1) {
    let failure: string;
    let waitMs = backoffMs(attempt);
    try {
      const response = await client.request('POST', INGEST_PATH, body, 'application/x-ndjson', options.signal);
      if (!RETRYABLE.has(response.status)) return response;
      failure = describeApiError(response);
      const retryAfter = parseRetryAfter(response.headers.get('retry-after') ?? undefined, Date.now());
      if (retryAfter !== undefined) waitMs = Math.min(retryAfter, options.maxRetryAfterMs ?? 60_000);
    } catch (error: unknown) {
      if (options.signal?.aborted || !(error instanceof CliError)) throw error;
      failure = error.message;
    }
    if (attempt >= maxAttempts) throw new BatchFailedError(`${failure} (after ${attempt} attempts)`);
    outcome.retries += 1;
    await sleep(waitMs, undefined, { signal: options.signal });
  }
}

function addAccepted(outcome: BatchOutcome, body: unknown, items: readonly NdjsonItem[]): void {
  const result = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const number = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  outcome.accepted += number(result['accepted']);
  outcome.duplicates += number(result['duplicates']);
  outcome.filtered += number(result['filtered']);
  outcome.rejections.push(...rejectionsOf({ rejected: result['rejected'] }, items));
}

/** `rejected: [{index, code, message}]` with indexes into the batch → line numbers of the input. */
function rejectionsOf(details: unknown, items: readonly NdjsonItem[]): LineRejection[] {
  const rejected = typeof details === 'object' && details !== null ? (details as { rejected?: unknown }).rejected : undefined;
  if (!Array.isArray(rejected)) return [];
  return rejected.map((entry: unknown) => {
    const { index, code, message } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const line = typeof index === 'number' ? items[index]?.line : undefined;
    return { line: line ?? 0, code: typeof code === 'string' ? code : 'UNKNOWN', message: typeof message === 'string' ? message : '' };
  });
}

function errorOf(body: unknown): { code?: string; message?: string; details?: unknown } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message, details } = error as Record<string, unknown>;
  return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : undefined, details };
}

function merge(into: BatchOutcome, from: BatchOutcome): void {
  into.accepted += from.accepted;
  into.duplicates += from.duplicates;
  into.filtered += from.filtered;
  into.rejections.push(...from.rejections);
  into.retries += from.retries;
}

function backoffMs(attempt: number): number {
  const base = Math.min(5_000, 200 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}
