import { ErrorType, isCommandError } from '@eventstore/db-client';

/**
 * Failures of the store other than a wrong expected revision, typed so callers can tell them apart without knowing
 * the adapter: ingest answers 503 to all of them; an operator reads the code. (Candidates for the port itself.)
 */

/** The store cannot be reached or did not answer in time: retry later. Nothing was acknowledged. */
export class EventStoreUnavailableError extends Error {
  readonly code = 'STORE.UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** The stream was hard-deleted (tombstoned): it can never be read or appended to again. */
export class StreamDeletedError extends Error {
  readonly code = 'STORE.STREAM_DELETED';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} is deleted`);
    this.name = 'StreamDeletedError';
  }
}

/** The store's access control refused the operation (wrong or missing credentials in EVENTSTORE_URL). */
export class EventStoreAccessDeniedError extends Error {
  readonly code = 'STORE.ACCESS_DENIED';
  constructor(readonly streamId: string) {
    super(`access to ${streamId} denied by the event store`);
    this.name = 'EventStoreAccessDeniedError';
  }
}

const UNAVAILABLE_TYPES = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.CANCELLED,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.UNKNOWN,
]);

/** Maps an `@eventstore/db-client` error to the store's typed errors; anything else is returned unchanged. */
export function toStoreError(error: unknown, streamId: string): unknown {
  if (!(error instanceof Error) || !isCommandError(error)) return error;
  if (error.type === ErrorType.STREAM_DELETED) return new StreamDeletedError(streamId);
  if (error.type === ErrorType.ACCESS_DENIED) return new EventStoreAccessDeniedError(streamId);
  if (UNAVAILABLE_TYPES.has(error.type)) return new EventStoreUnavailableError(`event store unavailable (${error.type}): ${error.message}`, { cause: error });
  return error;
}

/** Whether an error a subscription stream emitted means the server went away, so subscribing again is the cure. */
export function isTransient(error: unknown): boolean {
  if (error instanceof EventStoreUnavailableError) return true;
  // A bare transport error the client did not classify is a dropped connection too.
  if (!(error instanceof Error) || !isCommandError(error)) return true;
  return UNAVAILABLE_TYPES.has(error.type);
}
