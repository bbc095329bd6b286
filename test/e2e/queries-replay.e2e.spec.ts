import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldableEvent } from '@ledger/domain';
import { ConversationScript } from '../../libs/domain/src/interaction/testing/conversation-script';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * Point-in-time queries over the real path (ingest → projector → query): replay to `at` and `knownAt`, queue
 * interval stats and queue snapshots, and the OpenAPI document. Scenario on 2025-04-10 (UTC), queue SALES:
 * A 10:14:00 IVR 20 s → queue 20 s → alert 5 s → talk, hold 10:15:40–10:16:10 → agent ends 10:17:20 → ACW to 10:17:50 → end 10:17:51;
 * C 10:15:00, waiting in SALES since 10:15:10, never answered; D 10:15:30 queued, alerting agent 2 at 10:15:50,
 * answered 10:16:10, agent ends 10:18:00, ACW to 10:18:30. B 09:00:00 waits in SUPPORT 60 s and abandons.
 */
const uuid = (prefix: string, n: number) => `${prefix.padEnd(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [A, B, C, D] = [1, 2, 3, 4].map((n) => uuid('d0', n)) as [string, string, string, string];
const [AGENT_1, AGENT_2] = [uuid('a9', 1), uuid('a9', 2)];
const SALES = 'queue-sales';
const SUPPORT = 'queue-support';
const S = 1000;
const T0 = Date.UTC(2025, 3, 10, 10, 14, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** Snapshots carry no event time: like the Notifications API, the message `timestamp` says when it was sent. */
const toMessage = (conversationId: string) => (event: FoldableEvent) => {
  const snapshot = event.eventType.startsWith('v2.users.');
  return {
    topicName: event.eventType.replace('{id}', snapshot ? AGENT_1 : conversationId),
    version: '2',
    eventBody: event.data,
    ...(snapshot && event.eventTime ? { timestamp: event.eventTime } : {}),
  };
};

function scenario() {
  const a = new ConversationScript({ conversationId: A, startMs: T0 });
  const leg = { state: 'connected', queueId: SALES, connectedAt: 40 * S };
  const steps = [
    { at: 0, phase: 'ivr', events: [a.customerStart(0), a.flowStart(0)] },
    { at: 20, phase: 'queued', events: [a.flowEnd(20 * S), a.acdStart(20 * S, SALES)] },
    { at: 35, phase: 'alerting', events: [a.userStart(35 * S, AGENT_1, SALES)] },
    { at: 40, phase: 'connected', events: [a.acdEnd(40 * S, SALES, 'ANSWERED', { answeredUserId: AGENT_1 })] },
    { at: 100, phase: 'held', events: [a.agentSnapshot(100 * S, AGENT_1, { ...leg, held: true, startHoldAt: 100 * S })] },
    { at: 130, phase: 'connected', events: [a.agentSnapshot(130 * S, AGENT_1, { ...leg, held: false })] },
    { at: 200, phase: 'wrapup', events: [a.userEnd(200 * S, AGENT_1, { queueId: SALES, interactingDurationMs: 160 * S, heldDurationMs: 30 * S, alertingDurationMs: 5 * S })] },
    { at: 230, phase: 'wrapup', events: [a.acw(230 * S, AGENT_1, { queueId: SALES, wrapupCode: 'wc-sale', wrapupDurationMs: 30 * S })] },
    { at: 231, phase: 'ended', events: [a.customerEnd(231 * S)] },
  ];
  const b = new ConversationScript({ conversationId: B, startMs: Date.UTC(2025, 3, 10, 9, 0, 0) });
  b.customerStart(0);
  b.acdStart(5 * S, SUPPORT);
  b.acdEnd(65 * S, SUPPORT, 'ABANDON');
  b.customerEnd(65 * S);
  const c = new ConversationScript({ conversationId: C, startMs: T0 + 60 * S });
  c.customerStart(0);
  c.acdStart(10 * S, SALES);
  const d = new ConversationScript({ conversationId: D, startMs: T0 + 90 * S });
  d.customerStart(0);
  d.acdStart(0, SALES);
  d.userStart(20 * S, AGENT_2, SALES);
  d.acdEnd(40 * S, SALES, 'ANSWERED', { answeredUserId: AGENT_2 });
  d.userEnd(150 * S, AGENT_2, { queueId: SALES, interactingDurationMs: 110 * S, alertingDurationMs: 20 * S });
  d.customerEnd(150 * S);
  d.acw(180 * S, AGENT_2, { queueId: SALES, wrapupCode: 'wc-support', wrapupDurationMs: 30 * S });
  return {
    steps,
    messages: [a, b, c, d].flatMap((script) => script.events.map(toMessage(script.conversationId))),
    late: toMessage(A)(a.attributes(50 * S, { late: 'yes' })),
  };
}

type Json = Record<string, any>;

describe('point-in-time queries', () => {
  let ledger: RunningLedger;
  const { steps, messages, late } = scenario();
  let beforeLate = '';

  const get = async (path: string): Promise<Json> => {
    const response = await fetch(`${ledger.url}${path}`);
    const body = (await response.json()) as Json;
    expect(response.status, `${path}: ${JSON.stringify(body)}`).toBe(200);
    return body;
  };
  const post = async (items: unknown[]) => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) });
    expect(response.status).toBe(202);
  };
  const caughtUp = async () => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(25)) {
      const view = (await get('/v1/admin/projections')) as { head: string | null; items: { position: string | null }[] };
      if (view.head !== null && view.items[0]?.position === view.head) return;
    }
    throw new Error('the projector did not catch up within 30 s');
  };

  beforeAll(async () => {
    ledger = await startLedger();
    // Reversed, then again in order: every event arrives out of order once and as a duplicate once.
    await post([...messages].reverse());
    await post(messages);
    await caughtUp();
    beforeLate = new Date().toISOString();
    await sleep(20);
    await post([late]);
    await caughtUp();
  });
  afterAll(async () => ledger?.close());

  describe('GET /v1/interactions/{id}/state', () => {
    it("returns each step's phase at the step's midpoint", async () => {
      const observed = [];
      for (const [i, step] of steps.entries()) {
        const next = steps[i + 1]?.at ?? step.at + 60;
        const at = iso(T0 + ((step.at + next) / 2) * S);
        const body = await get(`/v1/interactions/${A}/state?at=${at}&knownAt=${beforeLate}`);
        observed.push({ at: body.at, phase: body.state.phase, eventsApplied: body.eventsApplied });
      }
      let applied = 0;
      const expected = steps.map((step, i) => {
        applied += step.events.length;
        return { at: iso(T0 + ((step.at + (steps[i + 1]?.at ?? step.at + 60)) / 2) * S), phase: step.phase, eventsApplied: applied };
      });
      expect(observed).toEqual(expected);
    });

    it('knownAt leaves out an event received after it, even one that happened earlier', async () => {
      const at = iso(T0 + 300 * S);
      const then = await get(`/v1/interactions/${A}/state?at=${at}&knownAt=${beforeLate}`);
      const now = await get(`/v1/interactions/${A}/state?at=${at}`);
      expect(then).toMatchObject({ at, knownAt: beforeLate, eventsApplied: 11 });
      expect(then.state.attributes).toEqual({});
      expect(now).toMatchObject({ at, eventsApplied: 12, state: { attributes: { late: 'yes' } } });
      expect({ ...now.state, attributes: {} }).toEqual(then.state);
    });

    it('defaults both cuts to now, and folds nothing before the first event', async () => {
      const body = await get(`/v1/interactions/${A}/state`);
      expect(Date.parse(body.at)).toBeGreaterThan(Date.parse(beforeLate));
      expect(body.knownAt).toBe(body.at);
      expect(body.eventsApplied).toBe(12);
      const before = await get(`/v1/interactions/${A}/state?at=${iso(T0 - 1)}`);
      expect(before).toMatchObject({ eventsApplied: 0, state: { conversationId: A, phase: null, participants: [] } });
    });
  });

  describe('GET /v1/queues/{id}/stats', () => {
    const day = 'from=2025-04-10T00:00:00Z&to=2025-04-11T00:00:00Z';
    const metrics = (m: { offered: number; answered: number; abandoned?: number; acd: [number, number, number]; answeredSum: number; talk: number; held: number; acw: number; handle: number; withinSl: number }) => {
      const denominator = m.answered + (m.abandoned ?? 0);
      return [
        { metric: 'nOffered', stats: { count: m.offered } },
        { metric: 'nAnswered', stats: { count: m.answered } },
        { metric: 'nAbandoned', stats: { count: m.abandoned ?? 0 } },
        { metric: 'nFlowOut', stats: { count: 0 } },
        { metric: 'tAcd', stats: { count: m.acd[0], sum: m.acd[1], max: m.acd[2] } },
        { metric: 'tAnswered', stats: { count: m.answered, sum: m.answeredSum } },
        { metric: 'tTalk', stats: { sum: m.talk } },
        { metric: 'tHeld', stats: { sum: m.held } },
        { metric: 'tAcw', stats: { sum: m.acw } },
        { metric: 'tHandle', stats: { sum: m.handle } },
        { metric: 'nAnsweredWithinSl', stats: { count: m.withinSl } },
        ...(denominator > 0 ? [{ metric: 'oServiceLevel', stats: { ratio: m.withinSl / denominator, numerator: m.withinSl, denominator } }] : []),
      ];
    };
    const firstQuarter = metrics({ offered: 1, answered: 1, acd: [1, 20_000, 20_000], answeredSum: 20_000, talk: 0, held: 0, acw: 0, handle: 0, withinSl: 1 });
    const secondQuarter = metrics({
      offered: 2, answered: 1, acd: [1, 40_000, 40_000], answeredSum: 40_000, talk: 240_000, held: 30_000, acw: 60_000, handle: 330_000, withinSl: 0,
    });
    const wholeHalfHour = metrics({
      offered: 3, answered: 2, acd: [2, 60_000, 40_000], answeredSum: 60_000, talk: 240_000, held: 30_000, acw: 60_000, handle: 330_000, withinSl: 1,
    });

    it('re-buckets the 15-minute rows, shaped like Genesys aggregates', async () => {
      expect(await get(`/v1/queues/${SALES}/stats?${day}&granularity=PT15M`)).toEqual({
        interval: '2025-04-10T00:00:00.000Z/2025-04-11T00:00:00.000Z',
        granularity: 'PT15M',
        results: [{
          group: { queueId: SALES },
          data: [
            { interval: '2025-04-10T10:00:00.000Z/2025-04-10T10:15:00.000Z', metrics: firstQuarter },
            { interval: '2025-04-10T10:15:00.000Z/2025-04-10T10:30:00.000Z', metrics: secondQuarter },
          ],
        }],
      });
      const data = async (query: string) => (await get(`/v1/queues/${SALES}/stats?${query}`)).results[0].data;
      expect(await data(day)).toEqual([{ interval: '2025-04-10T10:00:00.000Z/2025-04-10T10:30:00.000Z', metrics: wholeHalfHour }]);
      expect(await data(`${day}&granularity=PT1H`)).toEqual([{ interval: '2025-04-10T10:00:00.000Z/2025-04-10T11:00:00.000Z', metrics: wholeHalfHour }]);
      expect(await data(`${day}&granularity=P1D`)).toEqual([{ interval: '2025-04-10T00:00:00.000Z/2025-04-11T00:00:00.000Z', metrics: wholeHalfHour }]);
      expect(await data('from=2025-04-10T10:15:00Z&to=2025-04-10T10:30:00Z&granularity=PT15M')).toEqual([
        { interval: '2025-04-10T10:15:00.000Z/2025-04-10T10:30:00.000Z', metrics: secondQuarter },
      ]);
    });

    it('counts abandons, and defaults to the last 24 hours', async () => {
      const support = await get(`/v1/queues/${SUPPORT}/stats?${day}&granularity=PT1H`);
      expect(support.results[0].data).toEqual([{
        interval: '2025-04-10T09:00:00.000Z/2025-04-10T10:00:00.000Z',
        metrics: metrics({ offered: 1, answered: 0, abandoned: 1, acd: [1, 60_000, 60_000], answeredSum: 0, talk: 0, held: 0, acw: 0, handle: 0, withinSl: 0 }),
      }]);
      const recent = await get(`/v1/queues/${SALES}/stats`);
      const [from, to] = (recent.interval as string).split('/').map(Date.parse) as [number, number];
      expect(to - from).toBe(24 * 3600 * S);
      expect(Math.abs(Date.now() - to)).toBeLessThan(60 * S);
      expect(recent).toMatchObject({ granularity: 'PT30M', results: [{ group: { queueId: SALES }, data: [] }] });
    });
  });

  describe('GET /v1/queues/{id}/snapshot', () => {
    it('counts waiting, alerting, connected (hold included) and wrap-up at an instant', async () => {
      const at = iso(T0 + 120 * S);
      expect(await get(`/v1/queues/${SALES}/snapshot?at=${at}`)).toEqual({
        queueId: SALES, at, waiting: 1, alerting: 1, connected: 1, wrapup: 0, longestWaitMs: 50_000,
        interactions: [
          { conversationId: C, role: 'waiting', since: iso(T0 + 70 * S) },
          { conversationId: D, role: 'alerting', since: iso(T0 + 110 * S), userId: AGENT_2 },
          { conversationId: A, role: 'connected', since: iso(T0 + 40 * S), userId: AGENT_1 },
        ],
      });
      const later = await get(`/v1/queues/${SALES}/snapshot?at=${iso(T0 + 250 * S)}`);
      expect(later).toMatchObject({ waiting: 1, alerting: 0, connected: 0, wrapup: 1, longestWaitMs: 180_000 });
      expect(later.interactions.map((entry: Json) => [entry.conversationId, entry.role])).toEqual([[C, 'waiting'], [D, 'wrapup']]);
    });

    it('sees only the queue asked for, and defaults to now', async () => {
      expect(await get(`/v1/queues/${SUPPORT}/snapshot?at=${iso(Date.UTC(2025, 3, 10, 9, 0, 30))}`)).toMatchObject({
        waiting: 1, alerting: 0, connected: 0, wrapup: 0, longestWaitMs: 25_000, interactions: [{ conversationId: B, role: 'waiting' }],
      });
      const now = await get(`/v1/queues/${SALES}/snapshot`);
      expect(Math.abs(Date.parse(now.at) - Date.now())).toBeLessThan(60 * S);
      expect(now.interactions).toEqual([{ conversationId: C, role: 'waiting', since: iso(T0 + 70 * S) }]);
    });
  });

  it('documents every endpoint, parameter and response at /docs-json', async () => {
    const document = await get('/docs-json');
    const operation = (path: string) => document.paths[path]?.get ?? document.paths[path]?.post;
    const parameters = (path: string) => (operation(path)?.parameters ?? []).map((p: Json) => `${p.in}:${p.name}`).sort();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining([
      '/v1/ingest/genesys', '/v1/interactions', '/v1/interactions/{id}', '/v1/interactions/{id}/events', '/v1/interactions/{id}/state',
      '/v1/queues/{id}/stats', '/v1/queues/{id}/snapshot',
    ]));
    const listFilters = ['from', 'to', 'queueId', 'userId', 'mediaType', 'direction', 'phase', 'ani', 'dnis', 'wrapupCode', 'disconnectType', 'externalContactId', 'activeAt', 'limit', 'cursor'];
    expect(parameters('/v1/interactions')).toEqual(listFilters.map((name) => `query:${name}`).sort());
    expect(parameters('/v1/interactions/{id}')).toEqual(['path:id']);
    expect(parameters('/v1/interactions/{id}/events')).toEqual(['path:id', 'query:cursor', 'query:limit']);
    expect(parameters('/v1/interactions/{id}/state')).toEqual(['path:id', 'query:at', 'query:knownAt']);
    expect(parameters('/v1/queues/{id}/stats')).toEqual(['path:id', 'query:from', 'query:granularity', 'query:to']);
    expect(parameters('/v1/queues/{id}/snapshot')).toEqual(['path:id', 'query:at']);
    const granularity = operation('/v1/queues/{id}/stats').parameters.find((p: Json) => p.name === 'granularity');
    expect(granularity.schema.enum).toEqual(['PT15M', 'PT30M', 'PT1H', 'P1D']);
    for (const path of ['/v1/interactions', '/v1/interactions/{id}', '/v1/interactions/{id}/events', '/v1/interactions/{id}/state', '/v1/queues/{id}/stats', '/v1/queues/{id}/snapshot']) {
      expect(operation(path).responses['200'].content['application/json'].schema.$ref, path).toMatch(/^#\/components\/schemas\//);
      expect(operation(path).responses['400'], path).toBeDefined();
    }
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['InteractionPageDto', 'InteractionStateDto', 'QueueStatsDto', 'ApiErrorDto']));
    expect((await fetch(`${ledger.url}/docs`)).status).toBe(200);
  });
});
