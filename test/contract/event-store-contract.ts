import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WrongExpectedRevisionError,
  type AllSubscription,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '@ledger/event-store';

export interface StoreUnderTest {
  store: EventStore;
  dispose(): Promise<void>;
}

export const newEvent = (eventType = 'test.happened', data: unknown = { n: Math.random() }): EventToAppend => ({
  eventId: randomUUID(),
  eventType,
  data,
  metadata: { source: 'contract' },
});

const stream = (prefix = 'interaction'): string => `${prefix}-${randomUUID()}`;

/** Collects events from a subscription until `done` says enough, or fails after `timeoutMs`. */
export async function collect(
  subscription: AllSubscription,
  done: (events: RecordedEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const message of subscription) {
      if (message.type === 'events') events.push(...message.events);
      if (done(events)) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  return events;
}

/** The behaviour every EventStore adapter must share (EventStoreDB semantics). */
export function describeEventStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;
    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(async () => subject?.dispose());

    it('numbers revisions from 0 and reports the next expected revision', async () => {
      const id = stream();
      const first = await store.appendToStream(id, [newEvent(), newEvent()]);
      expect(first).toMatchObject({ ok: true, nextExpectedRevision: 1n, appended: 2, duplicates: 0 });
      const second = await store.appendToStream(id, [newEvent()], { expectedRevision: 1n });
      expect(second.nextExpectedRevision).toBe(2n);
      const events = await store.readStream(id);
      expect(events.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      expect(events.every((event) => event.streamId === id)).toBe(true);
    });

    it('rejects wrong expected revisions with the actual revision', async () => {
      const id = stream();
      await expect(store.appendToStream(id, [newEvent()], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({ actual: -1n });
      await store.appendToStream(id, [newEvent()], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream(id, [newEvent()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.appendToStream(id, [newEvent()], { expectedRevision: 5n })).rejects.toMatchObject({ streamId: id, expected: 5n, actual: 0n });
      await store.appendToStream(id, [newEvent()], { expectedRevision: 0n });
      await store.appendToStream(id, [newEvent()], { expectedRevision: 'stream_exists' });
      expect((await store.readStream(id)).length).toBe(3);
    });

    it('treats a retry with the same event ids as idempotent', async () => {
      const id = stream();
      const events = [newEvent(), newEvent()];
      await store.appendToStream(id, events, { expectedRevision: 'no_stream' });
      const retry = await store.appendToStream(id, events, { expectedRevision: 'no_stream' });
      expect(retry).toMatchObject({ appended: 0, duplicates: 2, nextExpectedRevision: 1n });
      expect((await store.readStream(id)).map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
    });

    it('reads a stream forwards and backwards, inclusive of the start, bounded by maxCount', async () => {
      const id = stream();
      await store.appendToStream(id, Array.from({ length: 5 }, () => newEvent()));
      const forwards = await store.readStream(id, { fromRevision: 1n, maxCount: 2 });
      expect(forwards.map((event) => event.revision)).toEqual([1n, 2n]);
      const backwards = await store.readStream(id, { direction: 'backwards', fromRevision: 3n, maxCount: 3 });
      expect(backwards.map((event) => event.revision)).toEqual([3n, 2n, 1n]);
      const last = await store.readStream(id, { direction: 'backwards', maxCount: 1 });
      expect(last.map((event) => event.revision)).toEqual([4n]);
      expect(await store.readStream(stream())).toEqual([]);
    });

    it('keeps data and metadata as given', async () => {
      const id = stream();
      const event = newEvent('v2.detail.events.conversation.{id}.acd.start', { queueId: 'q', nested: { list: [1, 'two', null] } });
      await store.appendToStream(id, [event]);
      const [stored] = await store.readStream(id);
      expect(stored).toMatchObject({ eventId: event.eventId, eventType: event.eventType, data: event.data, metadata: event.metadata });
      expect(stored?.recordedAt).toBeInstanceOf(Date);
    });

    it('orders $all by growing positions, reads inclusive of the start in both directions', async () => {
      const id = stream();
      await store.appendToStream(id, [newEvent(), newEvent(), newEvent()]);
      const mine = (await store.readAll({ direction: 'backwards', maxCount: 50 })).filter((event) => event.streamId === id).reverse();
      expect(mine.map((event) => event.revision)).toEqual([0n, 1n, 2n]);
      const positions = mine.map((event) => event.position);
      expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
      expect(new Set(positions).size).toBe(3);
      const fromSecond = await store.readAll({ from: positions[1], maxCount: 2 });
      expect(fromSecond.map((event) => event.eventId)).toEqual(mine.slice(1, 3).map((event) => event.eventId));
      const backFromSecond = await store.readAll({ direction: 'backwards', from: positions[1], maxCount: 2 });
      expect(backFromSecond.map((event) => event.eventId)).toEqual([mine[1]?.eventId, mine[0]?.eventId]);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(positions[2] as bigint);
    });

    it('answers a ping', async () => {
      await expect(store.ping(5_000)).resolves.toBeUndefined();
    });

    it('subscribes from a position exclusively', async () => {
      const id = stream();
      await store.appendToStream(id, [newEvent(), newEvent(), newEvent()]);
      const mine = (await store.readStream(id)).map((event) => event);
      const subscription = store.subscribeToAll({ from: mine[0]?.position, filter: { streamPrefixes: [id] } });
      const seen = await collect(subscription, (events) => events.length >= 2);
      expect(seen.map((event) => event.eventId)).toEqual(mine.slice(1).map((event) => event.eventId));
    });

    it('catches up then goes live under concurrent writes: nothing skipped, nothing repeated', async () => {
      const prefix = `live${randomUUID().slice(0, 8)}-`;
      const before = Array.from({ length: 30 }, (_, index) => ({ id: `${prefix}${index % 3}`, event: newEvent() }));
      for (const { id, event } of before) await store.appendToStream(id, [event]);
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] }, maxBatchSize: 7 });
      let caughtUp = false;
      const seen: RecordedEvent[] = [];
      const writers = (async () => {
        const streams = Array.from({ length: 6 }, (_, index) => `${prefix}${index}`);
        await Promise.all(
          streams.map(async (id) => {
            for (let round = 0; round < 10; round++) await store.appendToStream(id, [newEvent(), newEvent()]);
          }),
        );
      })();
      const expected = before.length + 6 * 10 * 2;
      const timer = setTimeout(() => void subscription.close(), 30_000);
      for await (const message of subscription) {
        if (message.type === 'caughtUp') caughtUp = true;
        else seen.push(...message.events);
        if (seen.length >= expected) break;
      }
      clearTimeout(timer);
      await subscription.close();
      await writers;
      expect(caughtUp || seen.length === expected).toBe(true);
      expect(seen.length).toBe(expected);
      expect(new Set(seen.map((event) => event.eventId)).size).toBe(expected);
      const positions = seen.map((event) => event.position);
      expect(positions.every((position, index) => index === 0 || position > (positions[index - 1] as bigint))).toBe(true);
    });

    it('filters the subscription by stream prefix', async () => {
      const tag = randomUUID().slice(0, 8);
      await store.appendToStream(`other${tag}-1`, [newEvent()]);
      await store.appendToStream(`mine${tag}-1`, [newEvent()]);
      await store.appendToStream(`other${tag}-2`, [newEvent()]);
      await store.appendToStream(`mine${tag}-2`, [newEvent()]);
      const seen = await collect(store.subscribeToAll({ filter: { streamPrefixes: [`mine${tag}`] } }), (events) => events.length >= 2);
      expect(seen.map((event) => event.streamId)).toEqual([`mine${tag}-1`, `mine${tag}-2`]);
    });

    it('lets exactly one of two concurrent appends with the same expected revision win', async () => {
      for (let round = 0; round < 10; round++) {
        const id = stream();
        await store.appendToStream(id, [newEvent()]);
        const results = await Promise.allSettled([
          store.appendToStream(id, [newEvent()], { expectedRevision: 0n }),
          store.appendToStream(id, [newEvent()], { expectedRevision: 0n }),
        ]);
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        const failure = results.find((result) => result.status === 'rejected');
        expect(failure?.status === 'rejected' && failure.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect((await store.readStream(id)).map((event) => event.revision)).toEqual([0n, 1n]);
      }
    });

    it('appends many requests at once, reporting each one', async () => {
      const a = stream();
      const b = stream();
      await store.appendToStream(b, [newEvent()]);
      const shared = newEvent();
      const outcomes = await store.appendMany([
        { streamId: a, events: [newEvent(), shared] },
        { streamId: b, events: [newEvent()], expectedRevision: 'no_stream' },
        { streamId: a, events: [shared, newEvent()] },
      ]);
      expect(outcomes[0]).toMatchObject({ ok: true, appended: 2, nextExpectedRevision: 1n });
      expect(outcomes[1]).toMatchObject({ ok: false });
      expect(outcomes[2]).toMatchObject({ ok: true, appended: 1, duplicates: 1, nextExpectedRevision: 2n });
      expect((await store.readStream(b)).length).toBe(1);
    });

    it('lets concurrent appends that create the same new stream all succeed, numbering revisions without gaps', async () => {
      const id = stream();
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.appendToStream(id, [newEvent(), newEvent()])));
      expect(outcomes.every((outcome) => outcome.appended === 2)).toBe(true);
      expect((await store.readStream(id)).map((event) => event.revision)).toEqual(Array.from({ length: 16 }, (_, index) => BigInt(index)));
    });

    it('stores an event repeated inside one append once', async () => {
      const id = stream();
      const event = newEvent();
      const outcome = await store.appendToStream(id, [event, newEvent(), event]);
      expect(outcome).toMatchObject({ appended: 2, duplicates: 1, nextExpectedRevision: 1n });
    });
  });
}
