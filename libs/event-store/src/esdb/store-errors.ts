import { ErrorType, isCommandError } from '@eventstore/db-client';
import { EventStoreAccessDeniedError, EventStoreUnavailableError, StreamDeletedError } from '../event-store.errors';

/** The client's error types that mean the server is unreachable or did not answer: the port's unavailable. */
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
