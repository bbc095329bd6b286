import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldExtension } from '@ledger/domain';
import { INTERACTIONS_CODE_VERSION } from '@ledger/projections';
import { generateTraffic, type EventBridgeEvent } from '../../apps/cli/src/simulate/generate-traffic';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * Issue 6: a rebuild meets an event its new code cannot handle. The event and the later events of its conversation
 * are parked for the new version (counted in the rebuild's status), the rebuild still completes and swaps, the row
 * is served as `stale`; a retry while the cause persists parks them again with the attempt counted, and a retry
 * after the fix is deployed heals the row.
 */

const CUSTOMER_END = 'v2.detail.events.conversation.{id}.customer.end';

/** v2 reads a sentiment score Genesys started sending as a number; one conversation sends it as a word. */
const strictScore: FoldExtension<number> = {
  name: 'sentimentScore',
  evolve(current, event) {
    if (event.eventType !== CUSTOMER_END || event.data.sentimentScore === undefined) return current;
    if (typeof event.data.sentimentScore !== 'number') throw new Error(`sentimentScore is not a number: ${JSON.stringify(event.data.sentimentScore)}`);
    return event.data.sentimentScore;
  },
};
/** The fix, deployed as the same version: words are mapped to a score. */
const WORDS: Record<string, number> = { low: 0.1, high: 0.9 };
const tolerantScore: FoldExtension<number> = {
  name: 'sentimentScore',
  evolve(current, event) {
    const score = event.eventType === CUSTOMER_END ? event.data.sentimentScore : undefined;
    if (typeof score === 'number') return score;
    if (typeof score === 'string' && score in WORDS) return WORDS[score];
    return current;
  },
};
const version = INTERACTIONS_CODE_VERSION + 1;

const traffic = generateTraffic({ seed: 71, conversations: 6, startTime: new Date('2026-04-06T09:00:00Z') });
const [poisoned, ...healthy] = traffic.conversations.map((conversation) => conversation.conversationId) as [string, ...string[]];
const deliveries = traffic.deliveries.map((delivery): EventBridgeEvent => {
  if (delivery['detail-type'] !== CUSTOMER_END) return delivery;
  const sentimentScore = delivery.detail.eventBody.conversationId === poisoned ? 'high' : 0.5;
  // Not in the simulator's body type: a field Genesys added.
  const eventBody = { ...delivery.detail.eventBody, sentimentScore };
  return { ...delivery, detail: { ...delivery.detail, eventBody } };
});

type Json = Record<string, any>;

describe('dead letters of a rebuild', () => {
  let ledger: RunningLedger;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${ledger.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const until = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      const found = await probe();
      if (found !== undefined) return found;
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  /** The poisoned conversation's timeline (the events after the poison in store order queue behind it). */
  let poisonedEvents: Json[] = [];

  beforeAll(async () => {
    ledger = await startLedger();
    expect(await call('POST', '/v1/ingest/genesys', deliveries)).toMatchObject({ status: 202, body: { rejected: [] } });
    await until(async () => {
      const { body } = await call('GET', '/v1/admin/projections');
      return body.items[0]?.phase === 'live' && body.items[0].position === body.head ? true : undefined;
    }, 'v1 at the head');
    poisonedEvents = (await call('GET', `/v1/interactions/${poisoned}/events?limit=100`)).body.items;
  });
  afterAll(async () => {
    await ledger?.close();
  });

  it('v1, without the extension, projected every conversation cleanly', async () => {
    expect((await call('GET', '/v1/admin/dead-letters')).body.items).toEqual([]);
    expect(await call('GET', `/v1/interactions/${poisoned}`)).toMatchObject({ status: 200, body: { stale: false } });
  });

  it('the rebuild parks the event its code rejects with the events queued behind it, reports them, and still swaps', async () => {
    ledger = await ledger.restart({ interactionProjection: { version, extensions: [strictScore] } });
    const item = await until(async () => {
      const found = (await call('GET', '/v1/admin/projections')).body.items[0];
      if (found?.rebuild?.phase === 'failed') throw new Error(`rebuild failed: ${found.rebuild.error}`);
      return found?.rebuild?.phase === 'done' ? found : undefined;
    }, 'the rebuild');

    const parked = (await call('GET', '/v1/admin/dead-letters')).body.items as Json[];
    expect(parked.length).toBeGreaterThan(0);
    expect(item).toMatchObject({ version: 2, previousVersion: 1, rebuild: { targetVersion: 2, deadLetters: parked.length } });
    expect(parked.every((letter) => letter.version === 2 && letter.conversationId === poisoned)).toBe(true);
    // The first parked event is the poison itself (attempts spent, error kept); the rest queue behind it, in order.
    const [poison, ...queued] = parked;
    expect(poison).toMatchObject({ eventType: CUSTOMER_END, error: 'sentimentScore is not a number: "high"', blockedBy: null });
    expect(poison!.attempts).toBeGreaterThan(0);
    expect(queued.every((letter) => letter.blockedBy === poison!.eventId)).toBe(true);
    const storeOrder = [...poisonedEvents].sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1)).map((event) => event.eventId);
    const fromPoison = storeOrder.slice(storeOrder.indexOf(poison!.eventId));
    expect(parked.map((letter) => letter.eventId).sort()).toEqual([...fromPoison].sort());

    // v2 serves now: the poisoned conversation is flagged, the others carry the new field and are not.
    const served = await call('GET', `/v1/interactions/${poisoned}`);
    expect(served.body).toMatchObject({ stale: true });
    expect(served.body.state).not.toHaveProperty('extensions');
    for (const id of healthy) {
      expect((await call('GET', `/v1/interactions/${id}`)).body).toMatchObject({ stale: false, state: { extensions: { sentimentScore: 0.5 } } });
    }
    // Lists say so too.
    const listed = (await call('GET', '/v1/interactions?limit=100')).body.items as Json[];
    expect(Object.fromEntries(listed.map((item) => [item.conversationId, item.stale]))).toEqual(
      Object.fromEntries([poisoned, ...healthy].map((id) => [id, id === poisoned])),
    );
  });

  it('a retry while the cause persists parks the events again and counts the attempt', async () => {
    const [poison] = (await call('GET', '/v1/admin/dead-letters')).body.items as Json[];
    const retried = await call('POST', `/v1/admin/dead-letters/${poison!.id}/retry`);
    expect(retried).toMatchObject({ status: 200, body: { outcome: 'parked', conversationId: poisoned, attempts: poison!.attempts + 1 } });
    expect((await call('GET', `/v1/interactions/${poisoned}`)).body).toMatchObject({ stale: true });
  });

  it('once the fix is deployed, a retry heals the row: applied in order, no longer stale, equal to a replay', async () => {
    ledger = await ledger.restart({ interactionProjection: { version, extensions: [tolerantScore] } });
    // Same version: the fix is no reason to rebuild.
    expect((await call('GET', '/v1/admin/projections')).body.items[0]).toMatchObject({ version: 2, rebuild: { phase: 'done', targetVersion: 2 } });
    const parked = (await call('GET', '/v1/admin/dead-letters')).body.items as Json[];
    const retried = await call('POST', `/v1/admin/dead-letters/${parked[0]!.id}/retry`);
    expect(retried).toMatchObject({ status: 200, body: { outcome: 'resolved', conversationId: poisoned, applied: parked.length } });

    const healed = await call('GET', `/v1/interactions/${poisoned}`);
    expect(healed.body).toMatchObject({ stale: false, eventCount: poisonedEvents.length, state: { phase: 'ended', extensions: { sentimentScore: 0.9 } } });
    expect((await call('GET', `/v1/interactions/${poisoned}/state`)).body.state).toEqual(healed.body.state);
    expect((await call('GET', '/v1/admin/dead-letters')).body.items).toEqual([]);
  });
});
