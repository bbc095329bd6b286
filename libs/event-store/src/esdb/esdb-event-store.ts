import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type ReadPosition,
} from '@eventstore/db-client';
import type {
  AllSubscription,
  AppendOutcome,
  AppendRequest,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeToAllOptions,
} from '../event-store.port';
import { EventStoreAccessDeniedError, EventStoreUnavailableError } from '../event-store.errors';
import { appendRequest, appendRequests, type AppendSettings } from './esdb-append';
import { isSystemStream, matchesFilter, toEsdbPosition, toRecordedEvent } from './esdb-events';
import { EsdbAllSubscription } from './esdb-subscription';
import { toStoreError } from './store-errors';

export interface EsdbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, `esdb+discover://…`; TLS and credentials come from the connection string. */
  connectionString: string;
  dedupeWindow?: number;
  maxWriteBytes?: number;
  appendConcurrency?: number;
  resubscribeDelayMs?: number;
}

const DEFAULT_READ_COUNT = 4096;
/** Events read per request while paging `$all` on the client (filters the client cannot send for reads). */
const ALL_PAGE_SIZE = 1024;

/**
 * The production store: EventStoreDB through `@eventstore/db-client`. One stream per conversation, JSON events with
 * the ledger's deterministic ids, `$all` positions mapped to the commit position. EventStoreDB's own duplicate check
 * is a memory cache lost on restart, so appends check the stream's newest events themselves (see `appendRequest`).
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly appendSettings: AppendSettings;
  private readonly subscriptions = new Set<EsdbAllSubscription>();

  constructor(private readonly options: EsdbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.appendSettings = {
      dedupeWindow: options.dedupeWindow ?? 2000,
      maxWriteBytes: options.maxWriteBytes ?? 768 * 1024,
      concurrency: options.appendConcurrency ?? 32,
    };
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendOutcome & { ok: true }> {
    const outcome = await appendRequest(this.client, { streamId, events, expectedRevision: options.expectedRevision }, this.appendSettings);
    if (!outcome.ok) throw outcome.error;
    return outcome;
  }

  /** One write per request (EventStoreDB writes one stream at a time), streams in parallel. */
  appendMany(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    return appendRequests(this.client, requests, this.appendSettings);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? DEFAULT_READ_COUNT;
    if (maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        maxCount,
      });
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error, streamId);
    }
    return events;
  }

  /**
   * `$all` in either direction, inclusive of `from`, system streams left out. EventStoreDB reads backwards from a
   * position exclusively, so the event at `from` itself is fetched by a one-event forward read first.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? 'end' : 'start');
    const wanted = options.maxCount ?? DEFAULT_READ_COUNT;
    if (wanted <= 0 || (from === 'end' && !backwards) || (from === 'start' && backwards)) return [];
    const result: RecordedEvent[] = [];
    const keep = (event: RecordedEvent): boolean => matchesFilter(event.streamId, options.filter);
    if (backwards && typeof from === 'bigint') {
      const [atFrom] = await this.readAllPage(toEsdbPosition(from), false, 1);
      if (atFrom && atFrom.position === from && keep(atFrom)) result.push(atFrom);
    }
    let cursor: ReadPosition = from === 'start' ? START : from === 'end' ? END : toEsdbPosition(from);
    let seenUpTo: bigint | null = null;
    while (result.length < wanted) {
      const page = await this.readAllPage(cursor, backwards, ALL_PAGE_SIZE);
      for (const event of page) {
        // Forwards, each page starts with the last event of the one before (reads are inclusive); backwards, the event
        // at `from` was taken above, should a server ever answer inclusively.
        if (!backwards && seenUpTo !== null && event.position <= seenUpTo) continue;
        if (backwards && typeof from === 'bigint' && event.position >= from) continue;
        if (keep(event)) result.push(event);
        if (result.length >= wanted) break;
      }
      const last = page[page.length - 1];
      if (!last || page.length < ALL_PAGE_SIZE) break;
      cursor = toEsdbPosition(last.position);
      seenUpTo = last.position;
    }
    return result;
  }

  /** Position of the newest event of `$all` that is not the server's own bookkeeping. */
  async headPosition(): Promise<bigint | null> {
    let cursor: ReadPosition = END;
    for (;;) {
      const page = await this.readAllPage(cursor, true, 256);
      const newest = page.find((event) => !isSystemStream(event.streamId));
      if (newest) return newest.position;
      const last = page[page.length - 1];
      if (!last || page.length < 256) return null;
      cursor = toEsdbPosition(last.position);
    }
  }

  /**
   * One event of `$all`, the server's own included. The client gives reads no deadline (its streams run without
   * one, whatever `deadline` says), so the timeout cancels the read: the server sees the call end.
   */
  async ping(timeoutMs: number): Promise<void> {
    try {
      await timeout(timeoutMs, TimeoutStrategy.Aggressive).execute(async ({ signal }) => {
        const read = this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 });
        // Cancelling ends the gRPC call; destroying the stream then settles the loop below.
        const cancel = () => void read.cancel().finally(() => read.destroy());
        signal.addEventListener('abort', cancel, { once: true });
        try {
          for await (const _ of read as AsyncIterable<AllStreamResolvedEvent>) break;
        } finally {
          signal.removeEventListener('abort', cancel);
        }
      });
    } catch (error) {
      if (error instanceof TaskCancelledError) throw new EventStoreUnavailableError(`EventStoreDB did not answer a read within ${timeoutMs} ms`);
      const mapped = toStoreError(error, '$all');
      if (mapped instanceof EventStoreUnavailableError || mapped instanceof EventStoreAccessDeniedError) throw mapped;
      throw new EventStoreUnavailableError(`EventStoreDB did not answer a read: ${mapped instanceof Error ? mapped.message : String(mapped)}`, { cause: error });
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const subscription: EsdbAllSubscription = new EsdbAllSubscription(this.client, {
      from: options.from ?? 'start',
      filter: options.filter,
      maxBatchSize: options.maxBatchSize ?? 1000,
      retryDelayMs: this.options.resubscribeDelayMs ?? 200,
      onClosed: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    // dispose() waits for every gRPC call to finish; a call the server never ends must not hold up shutdown.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
    await Promise.race([this.client.dispose(), timeout]);
  }

  private async readAllPage(fromPosition: ReadPosition, backwards: boolean, maxCount: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readAll({ fromPosition, direction: backwards ? BACKWARDS : FORWARDS, maxCount });
      for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      throw toStoreError(error, '$all');
    }
    return events;
  }
}
