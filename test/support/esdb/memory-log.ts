import { randomUUID } from 'node:crypto';

/**
 * The test server's storage: an in-memory transaction log with EventStoreDB's write rules (IndexWriter.CheckCommit).
 * Positions are byte offsets of records, so they grow with gaps; an event's commit and prepare positions are equal,
 * as for every event appended through gRPC. The idempotency cache (`committedIds`) lives in memory only and is lost
 * on restart, exactly like the server's: explicit expected revisions still see duplicates through the stream itself.
 */

export interface ProposedEvent {
  eventId: string;
  eventType: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  streamId: string;
  revision: bigint;
  /** Commit position = prepare position. */
  position: bigint;
  created: Date;
}

export type ExpectedVersion = 'any' | 'no_stream' | 'stream_exists' | bigint;

export type WriteOutcome =
  /** `position` is null for an idempotent repeat, which EventStoreDB answers without a position. */
  | { result: 'success'; lastRevision: bigint; position: bigint | null }
  | { result: 'wrong_expected_version'; currentRevision: bigint }
  | { result: 'stream_deleted' }
  | { result: 'access_denied' };

/** Record header bytes: positions leave room for the record around the payload, as in a real chunk. */
const RECORD_OVERHEAD = 96n;
/** The first record of a database is the epoch, never an event: no event sits at position 0. */
const FIRST_POSITION = 128n;

export class MemoryLog {
  private readonly events: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly tombstoned = new Set<string>();
  private readonly deniedPrefixes = new Set<string>();
  private committedIds = new Map<string, { streamId: string; revision: bigint }>();
  private nextPosition = FIRST_POSITION;
  private readonly appendListeners = new Set<() => void>();

  constructor() {
    // A fresh database already holds system events: $all starts with them, never with the application's.
    this.seedSystemEvent('$settings', 'update-default-acl', { $userStreamAcl: { $r: '$all' } });
    this.seedSystemEvent('$users', '$UserCreated', 'admin');
  }

  /** What a restart loses: the in-memory idempotency cache. */
  forgetIdempotencyCache(): void {
    this.committedIds = new Map();
  }

  /** Makes every read and write of streams starting with `prefix` (`$all` for the `$all` stream) answer access denied. */
  denyAccess(prefix: string): void {
    this.deniedPrefixes.add(prefix);
  }

  allowAccess(prefix: string): void {
    this.deniedPrefixes.delete(prefix);
  }

  isDenied(streamId: string): boolean {
    for (const prefix of this.deniedPrefixes) if (streamId.startsWith(prefix)) return true;
    return false;
  }

  /** While set, reads of `$all` (not subscriptions) are taken and never answered: a server that hangs. */
  stallReadsOfAll = false;
  /** Stalled `$all` reads the client gave up (its deadline passed, or it cancelled). */
  stalledReadsCancelled = 0;

  /** A hard delete: the stream can never be read or written again. */
  tombstone(streamId: string): void {
    this.tombstoned.add(streamId);
  }

  isTombstoned(streamId: string): boolean {
    return this.tombstoned.has(streamId);
  }

  write(streamId: string, expected: ExpectedVersion, proposed: ProposedEvent[]): WriteOutcome {
    if (this.isDenied(streamId)) return { result: 'access_denied' };
    if (this.tombstoned.has(streamId)) return { result: 'stream_deleted' };
    const current = this.lastRevision(streamId);
    const decision = this.checkCommit(streamId, expected, current, proposed);
    if (decision.kind === 'wrong') return { result: 'wrong_expected_version', currentRevision: current };
    if (decision.kind === 'idempotent') return { result: 'success', lastRevision: decision.lastRevision, position: null };
    if (proposed.length === 0) return { result: 'success', lastRevision: current, position: null };
    let stream = this.streams.get(streamId);
    if (!stream) {
      stream = [];
      this.streams.set(streamId, stream);
    }
    let revision = current;
    let position = this.nextPosition;
    for (const event of proposed) {
      revision += 1n;
      position = this.nextPosition;
      const stored: StoredEvent = { ...event, streamId, revision, position, created: new Date() };
      this.nextPosition += recordSize(stored);
      stream.push(stored);
      this.events.push(stored);
      this.committedIds.set(event.eventId, { streamId, revision });
    }
    for (const listener of [...this.appendListeners]) listener();
    return { result: 'success', lastRevision: revision, position };
  }

  /** -1n when the stream has no events. */
  lastRevision(streamId: string): bigint {
    const stream = this.streams.get(streamId);
    const last = stream?.[stream.length - 1];
    return last ? last.revision : -1n;
  }

  stream(streamId: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamId);
  }

  /** Every event of `$all`, in position order. */
  all(): readonly StoredEvent[] {
    return this.events;
  }

  /** Index of the first event at or after `(commit, prepare)`. */
  firstIndexAtOrAfter(commit: bigint, prepare: bigint): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const event = this.events[middle] as StoredEvent;
      if (comparePositions(event.position, event.position, commit, prepare) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  private checkCommit(
    streamId: string,
    expected: ExpectedVersion,
    current: bigint,
    proposed: ProposedEvent[],
  ): { kind: 'ok' } | { kind: 'wrong' } | { kind: 'idempotent'; lastRevision: bigint } {
    if (expected === 'stream_exists' && current < 0n) return { kind: 'wrong' };
    if (expected === 'any' || expected === 'stream_exists') {
      // Only the in-memory cache answers here: after a restart a retry with `any` writes the events again.
      let last: bigint | null = null;
      for (const [index, event] of proposed.entries()) {
        const known = this.committedIds.get(event.eventId);
        if (!known || known.streamId !== streamId) return index === 0 ? { kind: 'ok' } : { kind: 'wrong' };
        last = known.revision;
      }
      return last === null ? { kind: 'ok' } : { kind: 'idempotent', lastRevision: last };
    }
    const expectedRevision = expected === 'no_stream' ? -1n : expected;
    if (expectedRevision < current) {
      // A retry of a write that already happened at exactly these revisions is idempotent.
      const stream = this.streams.get(streamId) ?? [];
      let revision = expectedRevision;
      for (const event of proposed) {
        revision += 1n;
        if (stream[Number(revision)]?.eventId !== event.eventId) return { kind: 'wrong' };
      }
      return revision === expectedRevision ? { kind: 'wrong' } : { kind: 'idempotent', lastRevision: revision };
    }
    if (expectedRevision > current) return { kind: 'wrong' };
    return { kind: 'ok' };
  }

  private seedSystemEvent(streamId: string, eventType: string, body: unknown): void {
    this.write(streamId, 'any', [
      {
        eventId: randomUUID(),
        eventType,
        contentType: 'application/json',
        data: Buffer.from(JSON.stringify(body)),
        metadata: new Uint8Array(),
      },
    ]);
  }
}

/** Orders `$all` positions as EventStoreDB's TFPos does: commit first, then prepare. */
export function comparePositions(commitA: bigint, prepareA: bigint, commitB: bigint, prepareB: bigint): number {
  if (commitA !== commitB) return commitA < commitB ? -1 : 1;
  if (prepareA !== prepareB) return prepareA < prepareB ? -1 : 1;
  return 0;
}

function recordSize(event: StoredEvent): bigint {
  const bytes = Buffer.byteLength(event.streamId) + Buffer.byteLength(event.eventType) + event.data.length + event.metadata.length;
  return RECORD_OVERHEAD + BigInt(bytes);
}
