import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldableEvent } from '@ledger/domain';
import { ConversationScript } from '../../libs/domain/src/interaction/testing/conversation-script';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * The query API over the real path: events posted to ingest, projected by the in-process projector, read over HTTP.
 * Scenario (2025-04-10, UTC): A = the scripted voice call of the domain tests (IVR → queue → alert → connected →
 * hold → connected → ACW → end) in queue SALES; B = an outbound chat abandoned in SUPPORT at 09:00; C = a call still
 * waiting in SALES since 10:15:10; D = a call alerting agent-2 at 10:15:50, answered 10:16:10, wrap-up until 10:18:30.
 * Plus 25 short calls on 2025-04-09 (five share each start time) for pagination.
 */
/** Genesys ids are UUIDs, and ingest recognises topic ids by that shape. */
const uuid = (prefix: string, n: number) => `${prefix.padEnd(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [A, B, C, D, E] = [1, 2, 3, 4, 5].map((n) => uuid('c0', n)) as [string, string, string, string, string];
const SALES = 'queue-sales';
const SUPPORT = 'queue-support';
const AGENT_1 = uuid('a9', 1);
const AGENT_2 = uuid('a9', 2);
const AGENT_3 = uuid('a9', 3);
const AGENT_4 = uuid('a9', 4);
const S = 1000;
const T0 = Date.UTC(2025, 3, 10, 10, 14, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function toMessage(event: FoldableEvent, conversationId: string, userId = AGENT_1) {
  const snapshot = event.eventType.startsWith('v2.users.');
  return {
    topicName: event.eventType.replace('{id}', snapshot ? userId : conversationId),
    version: '2',
    eventBody: event.data,
  };
}

/** A: the phase after each event; the hold snapshots carry no time of their own (see the replay test). */
function conversationA() {
  const s = new ConversationScript({ conversationId: A, startMs: T0, externalContactIds: ['ext-contact-1'] });
  const leg = { state: 'connected', queueId: SALES, connectedAt: 40 * S };
  const steps = [
    { phase: null, event: s.customerStart(0) },
    { phase: 'ivr', event: s.flowStart(0) },
    { phase: 'ivr', event: s.flowEnd(20 * S) },
    { phase: 'queued', event: s.acdStart(20 * S, SALES) },
    { phase: 'alerting', event: s.userStart(35 * S, AGENT_1, SALES) },
    { phase: 'connected', event: s.acdEnd(40 * S, SALES, 'ANSWERED', { answeredUserId: AGENT_1 }) },
    { phase: 'held', event: s.agentSnapshot(100 * S, AGENT_1, { ...leg, held: true, startHoldAt: 100 * S }) },
    { phase: 'connected', event: s.agentSnapshot(130 * S, AGENT_1, { ...leg, held: false }) },
    { phase: 'wrapup', event: s.userEnd(200 * S, AGENT_1, { queueId: SALES, interactingDurationMs: 160 * S, heldDurationMs: 30 * S, alertingDurationMs: 5 * S }) },
    { phase: 'wrapup', event: s.acw(230 * S, AGENT_1, { queueId: SALES, wrapupCode: 'wc-sale', wrapupDurationMs: 30 * S }) },
    { phase: 'ended', event: s.customerEnd(231 * S) },
  ] as const;
  return { id: s.conversationId, steps, messages: steps.map((step) => toMessage(step.event, s.conversationId)), late: toMessage(s.attributes(50 * S, { late: 'yes' }), s.conversationId) };
}

function conversationB() {
  const s = new ConversationScript({
    conversationId: B, startMs: Date.UTC(2025, 3, 10, 9, 0, 0), mediaType: 'CHAT', direction: 'OUTBOUND', ani: 'tel:+442071234567', dnis: 'tel:+442079876543',
  });
  s.customerStart(0);
  s.acdStart(5 * S, SUPPORT);
  s.acdEnd(65 * S, SUPPORT, 'ABANDON');
  s.customerEnd(65 * S, { disconnectType: 'ENDPOINT' });
  return { id: s.conversationId, messages: s.events.map((event) => toMessage(event, s.conversationId)) };
}

function conversationC() {
  const s = new ConversationScript({ conversationId: C, startMs: T0 + 60 * S, ani: 'tel:+13175550111' });
  s.customerStart(0);
  s.acdStart(10 * S, SALES);
  return { id: s.conversationId, messages: s.events.map((event) => toMessage(event, s.conversationId)) };
}

function conversationD() {
  const s = new ConversationScript({ conversationId: D, startMs: T0 + 90 * S, ani: 'tel:+13175550122' });
  s.customerStart(0);
  s.acdStart(0, SALES);
  s.userStart(20 * S, AGENT_2, SALES);
  s.acdEnd(40 * S, SALES, 'ANSWERED', { answeredUserId: AGENT_2 });
  s.userEnd(150 * S, AGENT_2, { queueId: SALES, interactingDurationMs: 110 * S, alertingDurationMs: 20 * S });
  s.customerEnd(150 * S);
  s.acw(180 * S, AGENT_2, { queueId: SALES, wrapupCode: 'wc-support', wrapupDurationMs: 30 * S });
  return { id: s.conversationId, messages: s.events.map((event) => toMessage(event, s.conversationId)) };
}

/** E (2025-04-08): answered in SALES by agent-4, who transfers it to SUPPORT, where agent-3 answers: listed under both queues. */
function conversationE() {
  const s = new ConversationScript({ conversationId: E, startMs: Date.UTC(2025, 3, 8, 15, 0, 0), ani: 'tel:+13175550133' });
  s.customerStart(0);
  s.acdStart(0, SALES);
  s.userStart(10 * S, AGENT_4, SALES);
  s.acdEnd(15 * S, SALES, 'ANSWERED', { answeredUserId: AGENT_4 });
  s.userEnd(40 * S, AGENT_4, { queueId: SALES, disconnectType: 'TRANSFER', interactingDurationMs: 25 * S, alertingDurationMs: 5 * S });
  s.acdStart(40 * S, SUPPORT, {}, 1);
  s.userStart(50 * S, AGENT_3, SUPPORT, 1);
  s.acdEnd(55 * S, SUPPORT, 'ANSWERED', { answeredUserId: AGENT_3 }, 1);
  s.userEnd(120 * S, AGENT_3, { queueId: SUPPORT, interactingDurationMs: 65 * S, alertingDurationMs: 5 * S }, 1);
  s.customerEnd(120 * S);
  return { id: s.conversationId, messages: s.events.map((event) => toMessage(event, s.conversationId)) };
}

/** Short calls on the day before; five share each start time, so ties are broken by conversation id. */
function fillers(count: number, day = Date.UTC(2025, 3, 9, 8, 0, 0), prefix = 'f0') {
  return Array.from({ length: count }, (_, i) => {
    const s = new ConversationScript({ conversationId: uuid(prefix, i), startMs: day + Math.floor(i / 5) * 60 * S });
    s.customerStart(0);
    s.customerEnd(30 * S);
    return { id: s.conversationId, messages: s.events.map((event) => toMessage(event, s.conversationId)) };
  });
}

/** Fisher–Yates with a fixed seed: shuffled, yet the same on every run. */
function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

type Json = Record<string, any>;

describe('query API', () => {
  let ledger: RunningLedger;
  const a = conversationA();
  const b = conversationB();
  const c = conversationC();
  const d = conversationD();
  const e = conversationE();
  const filler = fillers(25);
  let beforeLate = '';

  const get = async (path: string): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${ledger.url}${path}`);
    return { status: response.status, body: (await response.json()) as Json };
  };
  const post = async (messages: unknown[]) => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messages) });
    expect(response.status).toBe(202);
  };
  const caughtUp = async () => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(25)) {
      const view = (await get('/v1/admin/projections')).body as { head: string | null; items: { position: string | null }[] };
      if (view.head !== null && view.items[0]?.position === view.head) return;
    }
    throw new Error('the projector did not catch up within 30 s');
  };
  const ids = (body: Json): string[] => (body.items as { conversationId: string }[]).map((item) => item.conversationId);
  const list = async (query: string) => {
    const response = await get(`/v1/interactions?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    ledger = await startLedger();
    // A in shuffled order, each event twice; the others as they come.
    await post(shuffled([...a.messages, ...a.messages]));
    for (const conversation of [b, c, d, e, ...filler]) await post(conversation.messages);
    await caughtUp();
    beforeLate = new Date().toISOString();
    await sleep(20);
    await post([a.late]);
    await caughtUp();
  });
  afterAll(async () => ledger?.close());

  describe('GET /v1/interactions', () => {
    it('lists newest first with the summary fields', async () => {
      const body = await list('from=2025-04-10T00:00:00Z');
      expect(ids(body)).toEqual([D, C, A, B]);
      expect(body.nextCursor).toBeNull();
      expect(body.items[2]).toEqual({
        conversationId: A, startedAt: iso(T0), endedAt: iso(T0 + 231 * S), mediaType: 'voice', direction: 'inbound', phase: 'ended',
        ani: 'tel:+13175550100', dnis: 'tel:+18005550199', queueIds: [SALES], userIds: [AGENT_1], wrapupCodes: ['wc-sale'], disconnectType: 'peer',
        acdOutcome: 'ANSWERED', abandoned: false, eventCount: 12, stale: false,
        metrics: { tIvr: 20_000, tAcd: 20_000, tAlert: 5_000, tTalk: 130_000, tHeld: 30_000, tAcw: 30_000, tHandle: 190_000, nTransferred: 0, abandoned: false },
      });
      expect(body.items[2]).not.toHaveProperty('state');
    });

    it.each([
      ['from=2025-04-10T10:00:00Z&to=2025-04-10T11:00:00%2B00:00', [D, C, A]],
      ['from=2025-04-10T09:00:00Z&to=2025-04-10T10:15:00Z', [A, B]],
      [`queueId=${SALES}`, [D, C, A, E]],
      [`queueId=${SUPPORT}`, [B, E]],
      [`queueId=${SALES}&from=2025-04-10T00:00:00Z`, [D, C, A]],
      [`queueId=${SUPPORT}&to=2025-04-10T00:00:00Z`, [E]],
      [`queueId=${SUPPORT}&userId=${AGENT_3}`, [E]],
      [`queueId=${SALES}&phase=queued`, [C]],
      [`userId=${AGENT_2}`, [D]],
      ['mediaType=CHAT', [B]],
      ['mediaType=chat', [B]],
      ['direction=OUTBOUND&from=2025-04-10T00:00:00Z', [B]],
      ['direction=inbound&from=2025-04-10T00:00:00Z', [D, C, A]],
      ['phase=queued', [C]],
      ['phase=ended&from=2025-04-10T00:00:00Z', [D, A, B]],
      ['ani=tel:%2B442071234567', [B]],
      ['ani=%2B13175550111', [C]],
      ['dnis=tel:%2B442079876543', [B]],
      ['wrapupCode=wc-sale', [A]],
      ['wrapupCode=wc-support', [D]],
      ['disconnectType=ENDPOINT', [B]],
      ['externalContactId=ext-contact-1', [A]],
      [`queueId=${SALES}&userId=${AGENT_1}&mediaType=voice&phase=ended`, [A]],
      ['queueId=nobody', []],
    ])('filters: %s', async (query, expected) => {
      expect(ids(await list(query))).toEqual(expected);
    });

    it('activeAt lists what was in progress then, each with its state at that instant', async () => {
      const at = iso(T0 + 120 * S);
      const body = await list(`activeAt=${at}`);
      expect(ids(body)).toEqual([D, C, A]);
      expect(body.items.map((item: Json) => item.state.phase)).toEqual(['alerting', 'queued', 'held']);
      expect(body.items.map((item: Json) => item.phase)).toEqual(['ended', 'queued', 'ended']);
      // A is folded from its timeline up to `at`; C, with nothing after `at`, is served from its current row: both equal a replay.
      expect(body.items[2].state).toEqual((await get(`/v1/interactions/${A}/state?at=${at}`)).body.state);
      expect(body.items[1].state).toEqual((await get(`/v1/interactions/${C}/state?at=${at}`)).body.state);
      // By queue: the same items, states included.
      expect((await list(`activeAt=${at}&queueId=${SALES}`)).items).toEqual(body.items);
      expect(ids(await list(`activeAt=${at}&queueId=${SUPPORT}`))).toEqual([]);
      expect(ids(await list(`activeAt=${iso(T0 + 300 * S)}`))).toEqual([C]);
      expect(ids(await list(`activeAt=${iso(T0 - 1)}&from=2025-04-10T00:00:00Z`))).toEqual([]);
    });

    it('pages with an opaque cursor: every interaction once, newest first, ties broken by id', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const body: Json = await list(`to=2025-04-10T00:00:00Z&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...ids(body));
        cursor = body.nextCursor;
        pages += 1;
        // New interactions on the same day, older and newer than the cursor, arrive between the pages.
        if (pages === 2) {
          for (const extra of fillers(10, Date.UTC(2025, 3, 9, 8, 2, 30), 'e0')) await post(extra.messages);
          await caughtUp();
        }
      } while (cursor !== null);
      expect(pages).toBeGreaterThanOrEqual(4);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => id.startsWith('f0'))).toEqual(filler.map((f) => f.id).reverse());
    });

    it('pages by queue: each interaction that visited the queue once, newest first, the transferred one under both queues', async () => {
      const pagesOf = async (query: string, limit: number) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const body: Json = await list(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
          seen.push(...ids(body));
          cursor = body.nextCursor;
        } while (cursor !== null);
        return seen;
      };
      for (const limit of [1, 2, 3]) {
        expect(await pagesOf(`queueId=${SALES}`, limit)).toEqual([D, C, A, E]);
        expect(await pagesOf(`queueId=${SUPPORT}`, limit)).toEqual([B, E]);
      }
      expect(await pagesOf(`queueId=${SALES}&from=2025-04-10T10:14:30Z`, 1)).toEqual([D, C]);
      const transferred = (await list(`queueId=${SUPPORT}&limit=1&to=2025-04-10T00:00:00Z`)).items[0];
      expect(transferred).toMatchObject({ conversationId: E, queueIds: [SALES, SUPPORT], userIds: [AGENT_3, AGENT_4], phase: 'ended', metrics: { nTransferred: 1 } });
    });

    it('accepts limit 1 and 500 and defaults to 50', async () => {
      expect((await list('limit=1')).items).toHaveLength(1);
      expect((await list('limit=500')).items.length).toBeGreaterThan(25);
      expect((await list('')).items.length).toBeLessThanOrEqual(50);
    });
  });

  describe('400 QUERY.INVALID_PARAMETER naming the parameter', () => {
    it.each([
      ['/v1/interactions?from=yesterday', 'from', 'ISO 8601'],
      ['/v1/interactions?to=2025-04-10T10:00:00', 'to', 'time zone'],
      ['/v1/interactions?from=2025-02-30T00:00:00Z', 'from', 'ISO 8601'],
      ['/v1/interactions?from=2025-04-10T10:00:00Z&to=2025-04-10T09:00:00Z', 'to', 'after'],
      ['/v1/interactions?activeAt=now', 'activeAt', 'ISO 8601'],
      ['/v1/interactions?queue=q1', 'queue', 'not a parameter'],
      ['/v1/interactions?limit=0', 'limit', 'from 1 to 500'],
      ['/v1/interactions?limit=501', 'limit', 'from 1 to 500'],
      ['/v1/interactions?limit=ten', 'limit', 'integer'],
      ['/v1/interactions?limit=5&limit=6', 'limit', 'once'],
      ['/v1/interactions?cursor=not-a-cursor', 'cursor', 'nextCursor'],
      [`/v1/interactions?cursor=${Buffer.from('["interactions","x","y"]').toString('base64url')}`, 'cursor', 'nextCursor'],
      ['/v1/interactions?phase=ringing', 'phase', 'one of'],
      ['/v1/interactions?queueId=', 'queueId', 'empty'],
      [`/v1/interactions/${A}?verbose=1`, 'verbose', 'no query parameters'],
      [`/v1/interactions/${A}/events?limit=0`, 'limit', 'from 1 to 1000'],
      [`/v1/interactions/${A}/events?cursor=abc`, 'cursor', 'nextCursor'],
      [`/v1/interactions/${A}/state?at=10:42`, 'at', 'ISO 8601'],
      [`/v1/interactions/${A}/state?knownAt=2025-13-01T00:00:00Z`, 'knownAt', 'ISO 8601'],
      ['/v1/queues/q/stats?granularity=PT5M', 'granularity', 'PT15M, PT30M, PT1H, P1D'],
      ['/v1/queues/q/stats?from=2025-04-10T00:00:00Z&to=2025-04-09T00:00:00Z', 'to', 'after'],
      ['/v1/queues/q/stats?from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z', 'to', '31 days'],
      ['/v1/queues/q/snapshot?at=soon', 'at', 'ISO 8601'],
    ])('%s → %s', async (path, parameter, reason) => {
      const { status, body } = await get(path);
      expect(status).toBe(400);
      expect(body.error).toEqual({ code: 'QUERY.INVALID_PARAMETER', message: expect.stringContaining(`"${parameter}"`), details: { parameter } });
      expect(body.error.message).toContain(reason);
    });
  });

  it.each(['/v1/interactions/nope', '/v1/interactions/nope/events', '/v1/interactions/nope/state'])('404 INTERACTION.NOT_FOUND: %s', async (path) => {
    const { status, body } = await get(path);
    expect(status).toBe(404);
    expect(body.error).toEqual({ code: 'INTERACTION.NOT_FOUND', message: 'no interaction nope', details: { conversationId: 'nope' } });
  });

  it('lists a queue with each item as the unfiltered list has it, after later events and for a lookup row an older release wrote', async () => {
    // The queue's lookup rows carry the items (kept by a trigger on the interactions): A changed after its late event.
    const byId = new Map(((await list('limit=100')).items as Json[]).map((item) => [item.conversationId, item]));
    const sameAsUnfiltered = async () => {
      const page = (await list(`queueId=${SALES}&limit=100`)).items as Json[];
      expect(page.map((item) => item.conversationId)).toEqual([D, C, A, E]);
      for (const item of page) expect(item).toStrictEqual(byId.get(item.conversationId));
    };
    await sameAsUnfiltered();
    expect(byId.get(A)?.eventCount).toBe(a.messages.length + 1);
    // A row written by a release before the column (no item): its interaction's item is read instead.
    const client = new Client({ connectionString: ledger.database.url });
    await client.connect();
    try {
      const cleared = await client.query('UPDATE interaction_queues SET list_item = NULL WHERE conversation_id = $1', [C]);
      expect(cleared.rowCount).toBe(1);
    } finally {
      await client.end();
    }
    await sameAsUnfiltered();
  });

  it('renders every list item from its row exactly as the detail shows it (items are rendered by PostgreSQL)', async () => {
    const { body } = await get('/v1/interactions?limit=100');
    expect(body.items.length).toBeGreaterThan(2);
    for (const item of body.items) {
      const { body: detail } = await get(`/v1/interactions/${item.conversationId}`);
      const state = detail.state;
      expect(item).toStrictEqual({
        conversationId: detail.conversationId,
        startedAt: state.startedAt,
        endedAt: state.endedAt,
        mediaType: state.mediaType,
        direction: state.direction,
        phase: state.phase,
        ani: state.ani,
        dnis: state.dnis,
        queueIds: state.queueIds,
        userIds: state.userIds,
        wrapupCodes: state.wrapupCodes,
        disconnectType: state.disconnectType,
        acdOutcome: state.acdOutcome,
        abandoned: state.metrics.abandoned,
        eventCount: detail.eventCount,
        stale: detail.stale,
        metrics: state.metrics,
      });
    }
  });

  describe('GET /v1/interactions/{id}', () => {
    it('returns the full state, which equals a replay from the event store at now', async () => {
      const { status, body } = await get(`/v1/interactions/${A}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ conversationId: A, eventCount: 12, position: expect.stringMatching(/^\d+$/), updatedAt: expect.any(String) });
      expect(body.state).toMatchObject({ phase: 'ended', attributes: { late: 'yes' }, externalContactIds: ['ext-contact-1'] });
      expect(body.state).toEqual((await get(`/v1/interactions/${A}/state`)).body.state);
      // The body is written around the stored state text: still exactly the documented fields, as JSON.
      expect(Object.keys(body).sort()).toEqual(['conversationId', 'eventCount', 'position', 'stale', 'state', 'updatedAt']);
      expect((await fetch(`${ledger.url}/v1/interactions/${A}`)).headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${ledger.url}/metrics`)).text();
      const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
      if (!match) throw new Error(`${name} is not in /metrics`);
      return Number(match[1]);
    };

    it('answers concurrent requests from shared statements, each with its own interaction or 404', async () => {
      const known = [A, B, C, D, E, ...filler.map((conversation) => conversation.id)];
      // Unknown ids share the statements too; an id with a NUL byte (which PostgreSQL refuses as text) is never sent.
      const asked = [...known, uuid('dd', 1), uuid('dd', 2), '%00nul', ...known.slice(0, 5)];
      const statementsBefore = await metric('ledger_interaction_lookups_total');
      const idsBefore = await metric('ledger_interaction_lookup_ids_total');
      // The first statement waits on this lock, so every request is in flight before any is answered.
      const blocker = new Client({ connectionString: ledger.database.url });
      await blocker.connect();
      let answers: { status: number; body: Json }[];
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE interactions IN ACCESS EXCLUSIVE MODE');
        const pending = asked.map((id) => get(`/v1/interactions/${id}`));
        for (const deadline = Date.now() + 30_000; (await metric('ledger_interaction_lookup_ids_in_flight')) < asked.length - 1; await sleep(25)) {
          if (Date.now() > deadline) throw new Error('the requests did not all reach the lookup within 30 s');
        }
        await blocker.query('COMMIT');
        answers = await Promise.all(pending);
      } finally {
        await blocker.end();
      }
      answers.forEach((answer, index) => {
        const id = asked[index] as string;
        if (known.includes(id)) {
          expect(answer.status, id).toBe(200);
          expect(answer.body.conversationId).toBe(id);
        } else {
          expect(answer.status, id).toBe(404);
          expect(answer.body.error.code).toBe('INTERACTION.NOT_FOUND');
        }
      });
      // The first request's statement, held by the lock, then one for all the others.
      expect(await metric('ledger_interaction_lookups_total')).toBeLessThanOrEqual(statementsBefore + 2);
      expect(await metric('ledger_interaction_lookup_ids_total')).toBe(idsBefore + asked.length - 1);
    });

    it('fails the requests of a statement that fails, and serves those queued behind it on another connection', async () => {
      const admin = new Client({ connectionString: ledger.database.url });
      await admin.connect();
      try {
        await admin.query('BEGIN');
        await admin.query('LOCK TABLE interactions IN ACCESS EXCLUSIVE MODE');
        const failing = get(`/v1/interactions/${A}`);
        let lookupPid: number | undefined;
        for (const deadline = Date.now() + 30_000; lookupPid === undefined; await sleep(25)) {
          if (Date.now() > deadline) throw new Error('no lookup waited on the lock within 30 s');
          const waiting = await admin.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%conversation_id = ANY%' AND pid <> pg_backend_pid()",
          );
          lookupPid = waiting.rows[0]?.pid;
        }
        // Queued behind A's statement, so they go out in the next one, after A's connection has failed.
        const queued = Promise.all([B, C].map((id) => get(`/v1/interactions/${id}`)));
        for (const deadline = Date.now() + 30_000; (await metric('ledger_interaction_lookup_ids_in_flight')) < 3; await sleep(25)) {
          if (Date.now() > deadline) throw new Error('B and C did not reach the lookup within 30 s');
        }
        await admin.query('SELECT pg_terminate_backend($1)', [lookupPid]);
        await admin.query('COMMIT');
        const answer = await failing;
        expect(answer.status).toBe(500);
        expect(answer.body.error.code).toBe('INTERNAL');
        const [b, c] = await queued;
        expect([b?.status, b?.body.conversationId, c?.status, c?.body.conversationId]).toEqual([200, B, 200, C]);
      } finally {
        await admin.end();
      }
      expect((await get(`/v1/interactions/${A}`)).status).toBe(200);
    });
  });

  describe('GET /v1/interactions/{id}/events', () => {
    it('pages through the timeline in eventTime order', async () => {
      const events: Json[] = [];
      let cursor: string | null = null;
      do {
        const { status, body }: { status: number; body: Json } = await get(`/v1/interactions/${A}/events?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
        expect(status).toBe(200);
        events.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor !== null);
      expect(events).toHaveLength(12);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(12);
      const times = events.map((e) => e.eventTime as string);
      expect(times).toEqual([...times].sort());
      expect(events[0]).toEqual({
        eventId: expect.any(String), eventType: expect.stringMatching(/^v2\.detail\.events\.conversation\.\{id\}\.(customer|flow)\.start$/),
        eventTime: iso(T0), receivedAt: expect.any(String), position: expect.stringMatching(/^\d+$/), data: expect.objectContaining({ conversationId: A }),
        metadata: expect.objectContaining({ source: 'webhook', eventTime: iso(T0) }),
      });
    });
  });
});
