import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldExtension } from '@ledger/domain';
import { INTERACTIONS_CODE_VERSION, type InteractionProjectionDefinition } from '@ledger/projections';
import { generateTraffic, type EventBridgeEvent, type GeneratedTraffic } from '../../apps/cli/src/simulate/generate-traffic';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * Issue 6, a drift scenario end to end: Genesys starts sending a field the ledger does not know → the drift report
 * lists it → a projection version whose fold extension uses the field is deployed → the rebuild it starts by itself
 * fills the field for all history → queries (read model, replay, point in time) return it, and so do later events.
 */

const CUSTOMER_END = 'v2.detail.events.conversation.{id}.customer.end';

/** The next projection version: the shipped fold plus the customer's sentiment score from customer.end. */
const sentimentScore: FoldExtension<number> = {
  name: 'sentimentScore',
  evolve: (current, event) =>
    event.eventType === CUSTOMER_END && typeof event.data.sentimentScore === 'number' ? event.data.sentimentScore : current,
};
const nextVersion: InteractionProjectionDefinition = { version: INTERACTIONS_CODE_VERSION + 1, extensions: [sentimentScore] };

/** Realistic traffic where every other conversation's customer.end carries the new field (duplicates alike). */
function withSentiment(traffic: GeneratedTraffic, scoreOf: (index: number) => number) {
  const scores = new Map<string, number>();
  traffic.conversations.forEach((conversation, index) => {
    if (index % 2 === 0) scores.set(conversation.conversationId, scoreOf(index));
  });
  const deliveries = traffic.deliveries.map((delivery): EventBridgeEvent => {
    const score = scores.get(delivery.detail.eventBody.conversationId);
    if (delivery['detail-type'] !== CUSTOMER_END || score === undefined) return delivery;
    // Not in the simulator's body type: that is the point.
    const eventBody = { ...delivery.detail.eventBody, sentimentScore: score };
    return { ...delivery, detail: { ...delivery.detail, eventBody } };
  });
  const ids = traffic.conversations.map((conversation) => conversation.conversationId);
  const scoredEvents = traffic.conversations.flatMap((c) => (scores.has(c.conversationId) ? c.events : [])).filter((e) => e.topicName.endsWith('.customer.end'));
  return { ids, scores, deliveries, scoredEvents: scoredEvents.length };
}

const history = withSentiment(generateTraffic({ seed: 61, conversations: 12, startTime: new Date('2026-03-02T09:00:00Z') }), (i) => (i + 1) / 20);
const later = withSentiment(generateTraffic({ seed: 62, conversations: 4, startTime: new Date('2026-03-02T13:00:00Z') }), (i) => -(i + 1) / 10);

type Json = Record<string, any>;

describe('a drift scenario: new field → drift report → projection v+1 → automatic rebuild → queries return it', () => {
  let ledger: RunningLedger;

  const get = async (path: string) => {
    const response = await fetch(`${ledger.url}${path}`);
    return { status: response.status, body: (await response.json()) as Json };
  };
  const post = async (path: string, body?: unknown) => {
    const response = await fetch(`${ledger.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const until = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> => {
    let last: unknown;
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
      const found = await probe().catch((error: unknown) => ((last = error), undefined));
      if (found !== undefined) return found;
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
  };
  const projectedAtHead = () =>
    until(async () => {
      const { body } = await get('/v1/admin/projections');
      const item = body.items[0];
      return item?.phase === 'live' && item.position !== null && item.position === body.head ? item : undefined;
    }, 'the projection at the head');
  const stateOf = async (id: string) => {
    const detail = await get(`/v1/interactions/${id}`);
    expect(detail.status).toBe(200);
    return detail.body.state as Json;
  };
  const expectedExtensions = (scores: Map<string, number>, id: string) => (scores.has(id) ? { sentimentScore: scores.get(id) } : undefined);

  beforeAll(async () => {
    ledger = await startLedger();
  });
  afterAll(async () => {
    await ledger?.close();
  });

  it('v1: events with the new field are ingested and projected, without it', async () => {
    expect(await post('/v1/ingest/genesys', history.deliveries)).toMatchObject({ status: 202, body: { rejected: [] } });
    expect(await projectedAtHead()).toMatchObject({ version: 1, codeVersion: INTERACTIONS_CODE_VERSION });
    for (const id of history.ids) {
      const state = await stateOf(id);
      expect(state).toMatchObject({ conversationId: id, phase: 'ended' });
      expect(state).not.toHaveProperty('extensions');
      expect((await get(`/v1/interactions/${id}/state`)).body.state).toEqual(state);
    }
  });

  it('the drift report lists the field as new on customer.end', async () => {
    const item = await until(async () => {
      const { body } = await get(`/v1/admin/schema-drift?kind=new_field&eventType=${encodeURIComponent(CUSTOMER_END)}`);
      const found = body.items?.[0];
      return found?.newFields?.[0]?.occurrences === history.scoredEvents ? found : undefined;
    }, 'sentimentScore in the drift report');
    expect(history.scoredEvents).toBe(6);
    expect(item).toMatchObject({
      eventType: CUSTOMER_END,
      topicVersion: '2',
      newFields: [{ path: 'sentimentScore', jsonType: 'number', occurrences: 6, sampleEventId: expect.any(String) }],
    });
  });

  it('deploying v2, whose fold extension uses the field, starts a rebuild by itself and swaps when it is done', async () => {
    ledger = await ledger.restart({ interactionProjection: nextVersion });
    const started = (await get('/v1/admin/projections')).body.items[0];
    expect(started.rebuild).toMatchObject({ targetVersion: 2, codeVersion: nextVersion.version, reason: `code version ${nextVersion.version} > active 1` });
    const done = await until(async () => {
      const item = (await get('/v1/admin/projections')).body.items[0];
      if (item?.rebuild?.phase === 'failed') throw new Error(`rebuild failed: ${item.rebuild.error}`);
      return item?.rebuild?.phase === 'done' ? item : undefined;
    }, 'the rebuild');
    expect(done).toMatchObject({ version: 2, codeVersion: nextVersion.version, previousVersion: 1, rebuild: { eventsTotal: done.rebuild.eventsDone } });
  });

  it('every conversation of the history has the field now, in the read model, in replay and at a past instant', async () => {
    for (const id of history.ids) {
      const state = await stateOf(id);
      expect(state.extensions).toEqual(expectedExtensions(history.scores, id));
      expect((await get(`/v1/interactions/${id}/state`)).body.state).toEqual(state);
    }
    // At the instant a customer left, a conversation still in after-call work is folded from its timeline.
    let inAfterCallWork: { id: string; customerLeftAt: string } | undefined;
    for (const id of history.scores.keys()) {
      const events = (await get(`/v1/interactions/${id}/events?limit=100`)).body.items as Json[];
      const customerLeftAt = events.find((event) => event.eventType === CUSTOMER_END)?.eventTime as string;
      if ((await stateOf(id)).lastEventTime > customerLeftAt) inAfterCallWork ??= { id, customerLeftAt };
    }
    if (!inAfterCallWork) throw new Error('no scored conversation has events after its customer.end');
    const page = (await get(`/v1/interactions?activeAt=${encodeURIComponent(inAfterCallWork.customerLeftAt)}&limit=100`)).body.items as Json[];
    const atThatInstant = page.find((item) => item.conversationId === inAfterCallWork.id)?.state;
    expect(atThatInstant).toMatchObject({ lastEventTime: inAfterCallWork.customerLeftAt, extensions: { sentimentScore: history.scores.get(inAfterCallWork.id) } });
  });

  it('v1 never had it: rolled back to, it serves the history without the field; rolled back again, v2 serves', async () => {
    const [id, score] = [...history.scores][0]!;
    expect(await post('/v1/admin/projections/interactions/rollback')).toMatchObject({ status: 200, body: { version: 1, previousVersion: 2 } });
    expect(await stateOf(id)).not.toHaveProperty('extensions');
    expect(await post('/v1/admin/projections/interactions/rollback')).toMatchObject({ status: 200, body: { version: 2, previousVersion: 1 } });
    expect((await stateOf(id)).extensions).toEqual({ sentimentScore: score });
  });

  it('events posted after the swap are projected with the field as they arrive', async () => {
    // In time order, a third at a time: most conversations are carried on from their stored state, not re-folded.
    const inTimeOrder = [...later.deliveries].sort((a, b) => a.detail.eventBody.eventTime - b.detail.eventBody.eventTime);
    const third = Math.ceil(inTimeOrder.length / 3);
    for (let offset = 0; offset < inTimeOrder.length; offset += third) {
      expect(await post('/v1/ingest/genesys', inTimeOrder.slice(offset, offset + third))).toMatchObject({ status: 202, body: { rejected: [] } });
      await projectedAtHead();
    }
    for (const id of later.ids) {
      const state = await stateOf(id);
      expect(state.extensions).toEqual(expectedExtensions(later.scores, id));
      expect((await get(`/v1/interactions/${id}/state`)).body.state).toEqual(state);
    }
  });

  it('v1, still followed for rollback, projects those events with its own code: rolled back to, it has them without the field', async () => {
    expect(await post('/v1/admin/projections/interactions/rollback')).toMatchObject({ status: 200, body: { version: 1, previousVersion: 2 } });
    await projectedAtHead();
    for (const id of later.ids) {
      const state = await stateOf(id);
      expect(state).toMatchObject({ conversationId: id, phase: 'ended' });
      expect(state).not.toHaveProperty('extensions');
    }
    expect(await post('/v1/admin/projections/interactions/rollback')).toMatchObject({ status: 200, body: { version: 2, previousVersion: 1 } });
    for (const id of later.ids) expect((await stateOf(id)).extensions).toEqual(expectedExtensions(later.scores, id));
  });
});

