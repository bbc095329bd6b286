import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext, type RetryPolicy } from 'cockatiel';
import { GenesysHttpError, GenesysNetworkError } from './genesys-http-error';

/** Statuses the official SDKs retry: rate limited, and the gateway errors of a busy or restarting service. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface RetrySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff without a Retry-After; it doubles per retry, with full jitter. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Genesys' Java SDK gives up when Retry-After exceeds 180 s rather than stall that long. */
  maxRetryAfterSeconds: number;
  /** Delay for a 429 that carries no Retry-After (the Java SDK's default is 3 s). */
  defaultRetryAfterSeconds: number;
  /** Uniform [0, 1) source, replaceable in tests. */
  random?: () => number;
}

export const DEFAULT_RETRY_SETTINGS: RetrySettings = {
  maxRetries: 5,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterSeconds: 180,
  defaultRetryAfterSeconds: 3,
};

export function isRetryable(error: unknown, settings: Pick<RetrySettings, 'maxRetryAfterSeconds'>): boolean {
  if (error instanceof GenesysNetworkError) return true;
  if (!(error instanceof GenesysHttpError) || !RETRYABLE_STATUSES.has(error.status)) return false;
  return error.retryAfterSeconds === null || error.retryAfterSeconds <= settings.maxRetryAfterSeconds;
}

/** The delay before retry number `attempt` (1-based): Retry-After when Genesys gave one, else exponential with jitter. */
export function retryDelayMs(error: unknown, attempt: number, settings: RetrySettings): number {
  if (error instanceof GenesysHttpError) {
    if (error.retryAfterSeconds !== null) return error.retryAfterSeconds * 1000;
    if (error.status === 429) return settings.defaultRetryAfterSeconds * 1000;
  }
  return backoffDelayMs(attempt, settings.initialDelayMs, settings.maxDelayMs, settings.random);
}

/** Exponential backoff with jitter: half of `initial × 2^(attempt-1)` (capped at `max`) fixed, half random. */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads clients apart without ever retrying immediately.
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** A cockatiel retry policy for Genesys calls: bounded attempts, Retry-After honoured, jittered backoff otherwise. */
export function genesysRetryPolicy(settings: RetrySettings = DEFAULT_RETRY_SETTINGS): RetryPolicy {
  return retry(handleWhen((error) => isRetryable(error, settings)), {
    maxAttempts: settings.maxRetries,
    backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) =>
      retryDelayMs('error' in context.result ? context.result.error : undefined, context.attempt, settings),
    ),
  }).dangerouslyUnref();
}
