/**
 * Failures of the store other than a wrong expected revision (the port's WrongExpectedRevisionError), typed so
 * callers can tell them apart without knowing the adapter: ingest answers 503 to all of them; an operator reads the
 * code.
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
