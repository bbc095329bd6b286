import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type ReadPosition,
} from '@eventstore/db-client';
import type { AllSubscription, RecordedEvent, StreamFilter, SubscriptionMessage } from '../event-store.port';
import { toEsdbPosition, toRecordedEvent } from './esdb-events';
import { isTransient, toStoreError } from './store-errors';

export interface EsdbSubscriptionSettings {
  /** Exclusive. */
  from: bigint | 'start' | 'end';
  filter?: StreamFilter;
  maxBatchSize: number;
  /** First pause before subscribing again after the server dropped the subscription; doubles up to 5 s. */
  retryDelayMs: number;
  /** Called once the subscription has ended, whichever way. */
  onClosed?: () => void;
}

/**
 * Catch-up then live subscription to `$all`, filtered on the server by stream prefix (system streams never match).
 *
 * The server says when the subscription has caught up; the client emits that as an event while events read before
 * it may still sit in its buffer, so the marker is placed after exactly those events. When the server drops the
 * subscription (restart, network), it is opened again from the last position handed out — exclusive, so nothing is
 * skipped and nothing repeated.
 */
export class EsdbAllSubscription implements AllSubscription {
  private closed = false;
  private current: AllStreamSubscription | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly settings: EsdbSubscriptionSettings,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    await this.current?.unsubscribe().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    let cursor: bigint | null = await this.resolveStart();
    let failures = 0;
    try {
      while (!this.closed) {
        const subscription = this.open(cursor);
        try {
          for await (const message of this.drain(subscription, cursor)) {
            failures = 0;
            if (message.type === 'events') cursor = (message.events[message.events.length - 1] as RecordedEvent).position;
            yield message;
            if (this.closed) return;
          }
        } catch (error) {
          if (this.closed) return;
          if (!isTransient(error)) throw toStoreError(error, '$all');
        } finally {
          this.current = null;
          await subscription.unsubscribe().catch(() => undefined);
        }
        if (this.closed) return;
        await sleep(Math.min(this.settings.retryDelayMs * 2 ** failures++, 5000));
      }
    } finally {
      this.closed = true;
      this.settings.onClosed?.();
    }
  }

  /** A concrete start, so that subscribing again after a drop never skips what was appended meanwhile. */
  private async resolveStart(): Promise<bigint | null> {
    const from = this.settings.from;
    if (from === 'start') return null;
    if (typeof from === 'bigint') return from === 0n ? null : from;
    let newest: bigint | null = null;
    try {
      // Read to the end even for one event: a read left half-consumed keeps its gRPC call open (and dispose waiting).
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
        newest = resolved.event?.position?.commit ?? newest;
      }
    } catch (error) {
      throw toStoreError(error, '$all');
    }
    return newest;
  }

  private open(cursor: bigint | null): AllStreamSubscription {
    const prefixes = this.settings.filter?.streamPrefixes;
    const fromPosition: ReadPosition = cursor === null ? START : toEsdbPosition(cursor);
    const filter = prefixes && prefixes.length > 0 ? streamNameFilter({ prefixes }) : streamNameFilter({ regex: '^[^$]' });
    const subscription = this.client.subscribeToAll({ fromPosition, filter }, { highWaterMark: this.settings.maxBatchSize });
    this.current = subscription;
    return subscription;
  }

  /** Batches of what the client has buffered, with each caught-up marker after the events that preceded it. */
  private async *drain(subscription: AllStreamSubscription, from: bigint | null): AsyncGenerator<SubscriptionMessage> {
    let consumed = 0;
    let lastPosition = from;
    const caughtUpAfter: number[] = [];
    let failure: { error: unknown } | null = null;
    let ended = false;
    const notify = (): void => this.notify();
    subscription.on('caughtUp', () => {
      caughtUpAfter.push(consumed + subscription.readableLength);
      notify();
    });
    subscription.on('readable', notify);
    subscription.on('error', (error: unknown) => {
      failure = { error };
      notify();
    });
    subscription.on('end', () => {
      ended = true;
      notify();
    });
    subscription.on('close', () => {
      ended = true;
      notify();
    });
    while (!this.closed) {
      const events: RecordedEvent[] = [];
      while (events.length < this.settings.maxBatchSize && !(caughtUpAfter[0] !== undefined && consumed >= caughtUpAfter[0])) {
        const resolved = subscription.read() as AllStreamResolvedEvent | null;
        if (resolved === null) break;
        consumed++;
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
      if (events.length > 0) {
        lastPosition = (events[events.length - 1] as RecordedEvent).position;
        yield { type: 'events', events };
        continue;
      }
      if (caughtUpAfter[0] !== undefined && consumed >= caughtUpAfter[0]) {
        caughtUpAfter.shift();
        yield { type: 'caughtUp', position: lastPosition };
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (ended && subscription.readableLength === 0) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  private notify(): void {
    this.wake?.();
  }
}
