/**
 * The source of truth behind one port: PostgreSQL (embedded default) or EventStoreDB. Semantics follow
 * EventStoreDB's so both pass one contract suite: stream revisions start at 0; `$all` positions only grow;
 * reads are inclusive of their start, subscriptions exclusive of theirs; appending an event id the stream already
 * holds is an idempotent no-op.
 */

/** `any`: no check. `no_stream`: the stream must not exist. `stream_exists`: it must. A bigint: its last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventToAppend {
  /** UUID; the store's idempotency key. */
  eventId: string;
  eventType: string;
  data: unknown;
  metadata: unknown;
}

export interface RecordedEvent {
  eventId: string;
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: bigint;
  /** Position in `$all`. Grows with commit order, with gaps. */
  position: bigint;
  eventType: string;
  data: unknown;
  metadata: unknown;
  recordedAt: Date;
}

export interface AppendRequest {
  streamId: string;
  events: EventToAppend[];
  expectedRevision?: ExpectedRevision;
}

export type AppendOutcome =
  | {
      ok: true;
      /** Revision of the stream's last event after this append (-1n: stream still empty). */
      nextExpectedRevision: bigint;
      /** Position of the last event written by this append, null when everything was a duplicate. */
      position: bigint | null;
      appended: number;
      duplicates: number;
    }
  | { ok: false; error: WrongExpectedRevisionError };

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: ReadDirection;
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: bigint;
  maxCount?: number;
}

export interface ReadAllOptions {
  direction?: ReadDirection;
  /** Inclusive. `start`/`end` or a position returned by this store. */
  from?: bigint | 'start' | 'end';
  maxCount?: number;
  filter?: StreamFilter;
}

export interface StreamFilter {
  /** Only events whose stream id starts with one of these. */
  streamPrefixes: string[];
}

export interface SubscribeToAllOptions {
  /** Exclusive: the first event delivered is the one after this position. Default: the start of `$all`. */
  from?: bigint | 'start' | 'end';
  filter?: StreamFilter;
  /** Most events per delivered batch. */
  maxBatchSize?: number;
}

export type SubscriptionMessage =
  | { type: 'events'; events: RecordedEvent[] }
  /** Emitted each time the subscription has delivered everything committed so far (after catch-up, then when idle again). */
  | { type: 'caughtUp'; position: bigint | null };

/** An async iterable of batches: catch-up first, then live. Breaking out of the loop or `close()` ends it. */
export interface AllSubscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

export interface EventStore {
  appendToStream(streamId: string, events: EventToAppend[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendOutcome & { ok: true }>;
  /** Several appends in one commit (group commit). An append whose expected revision fails does not stop the others. */
  appendMany(requests: AppendRequest[]): Promise<AppendOutcome[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Position of the newest event in `$all`, or null when empty. */
  headPosition(): Promise<bigint | null>;
  /**
   * Resolves once the store has answered one small read. Rejects with EventStoreUnavailableError when it has not
   * within `timeoutMs`, or with the store's own refusal (EventStoreAccessDeniedError). A read that did not answer is
   * given up (EventStoreDB: its gRPC call cancelled) or shared by the pings after it until it ends (PostgreSQL), so a
   * hung store never has pings piling up on it. Readiness probes call it: it costs the same however the store's tail
   * looks (`headPosition` on EventStoreDB pages past the server's own events).
   */
  ping(timeoutMs: number): Promise<void>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'STORE.WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** -1n when the stream does not exist. */
    readonly actual: bigint,
  ) {
    super(`append to ${streamId} expected revision ${String(expected)} but the stream is at ${actual === -1n ? 'no stream' : String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export const EVENT_STORE = Symbol('EVENT_STORE');
