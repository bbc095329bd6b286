import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import {
  WrongExpectedRevisionError,
  type AppendOutcome,
  type AppendRequest,
  type EventToAppend,
  type ExpectedRevision,
} from '../event-store.port';
import { EventStoreUnavailableError } from '../event-store.errors';
import { approximateSize, toEventData } from './esdb-events';
import { toStoreError } from './store-errors';

export interface AppendSettings {
  /** Newest events of a stream checked for ids already stored (EventStoreDB's own dedupe is in memory only). */
  dedupeWindow: number;
  /** Bytes per write, under the server's maximum append size (1 MiB by default). */
  maxWriteBytes: number;
  /** Streams appended to at once by `appendMany`. */
  concurrency: number;
}

/** Tries before an append contended by other writers gives up (each try re-reads the stream's tail). */
const MAX_ATTEMPTS = 25;
/**
 * Tries after a transport failure. After a server restart the client's first calls can fail on the old connection
 * (the cached BatchAppend stream is cancelled) while it reconnects; a retry is safe, as every try starts from the
 * stream as it is and writes with its exact revision.
 */
const MAX_TRANSPORT_ATTEMPTS = 4;

/**
 * One append request with the port's semantics on top of EventStoreDB's: the stream's newest events are read first,
 * ids already stored (or repeated in the request) are dropped, the expected revision is checked against the stream as
 * it is, and only the new events are written — with the exact revision just read, so a writer that got in between
 * makes the write fail and this loop look again. Duplicates therefore never depend on the server's cache, which a
 * restart empties. A request too large for one write goes in several, each continuing where the last ended.
 */
export async function appendRequest(client: EventStoreDBClient, request: AppendRequest, settings: AppendSettings): Promise<AppendOutcome> {
  const { streamId } = request;
  const expected: ExpectedRevision = request.expectedRevision ?? 'any';
  const unique = uniqueById(request.events);
  let appended = 0;
  let position: bigint | null = null;
  let expectationMet = false;
  let transportFailures = 0;
  for (let attempt = 1; ; ) {
    let tail: StreamTail;
    try {
      tail = await readTail(client, streamId, settings.dedupeWindow);
    } catch (error) {
      if (!(error instanceof EventStoreUnavailableError) || ++transportFailures >= MAX_TRANSPORT_ATTEMPTS) throw error;
      await sleep(50 * 2 ** transportFailures);
      continue;
    }
    const fresh = unique.filter((event) => !tail.ids.has(event.eventId));
    if (fresh.length === 0) return { ok: true, nextExpectedRevision: tail.revision, position, appended, duplicates: request.events.length - appended };
    if (!expectationMet && !revisionMatches(expected, tail.revision)) {
      return { ok: false, error: new WrongExpectedRevisionError(streamId, expected, tail.revision) };
    }
    const chunk = firstChunk(fresh, settings.maxWriteBytes);
    try {
      const result = await client.appendToStream(streamId, chunk.map(toEventData), {
        expectedRevision: tail.revision < 0n ? NO_STREAM : tail.revision,
      });
      // Once part of the request is written, the rest continues it whatever the stream's revision has become.
      expectationMet = true;
      // An idempotent repeat (someone wrote exactly these events meanwhile) comes back without a position.
      if (result.position) {
        appended += chunk.length;
        position = result.position.commit;
      }
      if (chunk.length === fresh.length) {
        return { ok: true, nextExpectedRevision: result.nextExpectedRevision, position, appended, duplicates: request.events.length - appended };
      }
    } catch (error) {
      if (!(error instanceof EsdbWrongExpectedVersionError)) {
        const mapped = toStoreError(error, streamId);
        if (!(mapped instanceof EventStoreUnavailableError) || ++transportFailures >= MAX_TRANSPORT_ATTEMPTS) throw mapped;
        await sleep(50 * 2 ** transportFailures);
        continue;
      }
      if (++attempt > MAX_ATTEMPTS) throw new EventStoreUnavailableError(`append to ${streamId} lost to concurrent writers ${MAX_ATTEMPTS} times`, { cause: error });
      await sleep(Math.random() * 5 * attempt);
    }
  }
}

/**
 * Several requests: different streams in parallel, requests for one stream one after another in the given order
 * (a later request must see an earlier one's events). A wrong expected revision is reported per request; any other
 * failure fails the whole call once every stream has settled — appends already made stay, and a retry is idempotent.
 */
export async function appendRequests(client: EventStoreDBClient, requests: AppendRequest[], settings: AppendSettings): Promise<AppendOutcome[]> {
  const outcomes = new Array<AppendOutcome | undefined>(requests.length);
  const byStream = new Map<string, number[]>();
  requests.forEach((request, index) => {
    const group = byStream.get(request.streamId);
    if (group) group.push(index);
    else byStream.set(request.streamId, [index]);
  });
  const groups = [...byStream.values()];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < groups.length && failures.length === 0) {
      const group = groups[next++] as number[];
      try {
        for (const index of group) outcomes[index] = await appendRequest(client, requests[index] as AppendRequest, settings);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, groups.length) }, worker));
  if (failures.length > 0) throw failures[0];
  return outcomes.map((outcome) => {
    if (!outcome) throw new Error('append produced no outcome');
    return outcome;
  });
}

interface StreamTail {
  /** Revision of the newest event; -1n when the stream does not exist. */
  revision: bigint;
  ids: Set<string>;
}

async function readTail(client: EventStoreDBClient, streamId: string, window: number): Promise<StreamTail> {
  const tail: StreamTail = { revision: -1n, ids: new Set() };
  try {
    for await (const resolved of client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: window })) {
      const event = resolved.event;
      if (!event) continue;
      if (tail.ids.size === 0) tail.revision = event.revision;
      tail.ids.add(event.id);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return tail;
    throw toStoreError(error, streamId);
  }
  return tail;
}

function uniqueById(events: EventToAppend[]): EventToAppend[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (seen.has(event.eventId)) return false;
    seen.add(event.eventId);
    return true;
  });
}

function firstChunk(events: EventToAppend[], maxBytes: number): EventToAppend[] {
  let bytes = 0;
  let count = 0;
  for (const event of events) {
    bytes += approximateSize(event);
    if (count > 0 && bytes > maxBytes) break;
    count++;
  }
  return events.slice(0, count);
}

function revisionMatches(expected: ExpectedRevision, current: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === -1n;
  if (expected === 'stream_exists') return current !== -1n;
  return expected === current;
}
