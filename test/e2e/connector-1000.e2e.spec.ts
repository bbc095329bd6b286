import { setTimeout as sleep } from 'node:timers/promises';
import { normaliseMessage } from '@ledger/domain';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenesysSimulator, type StreamReport } from '../support/genesys-sim/genesys-sim';
import { conversationScript, safeDropIndexes } from '../support/genesys-sim/sim-script';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * Must show (issue 5): 1,000 conversations streamed by the simulator through the Notifications API consumer, with two
 * forced drops, one socket_closing, one token expiry and one 429 burst, end with every conversation in the read
 * models, the gaps recorded, and no duplicate timeline entry. What the simulator sent while no socket was connected
 * is lost (Genesys does not replay it): the test proves the ledger stored exactly what was delivered, and that each
 * loss lies inside a recorded gap. Drops are placed where the gap cannot swallow a conversation whole.
 */
type Json = Record<string, any>;

const RATE = 500;
/** Messages a gap may span before a conversation could vanish entirely: 600 ms at RATE (gaps seen: 20-120 ms). */
const GAP_WINDOW = 300;
const script = conversationScript({ seed: 2025, conversations: 1000 });
const padding = Array.from({ length: 1000 }, (_, n) => `v2.users.${String(n).padStart(8, '0')}-0000-4000-8000-000000000000.conversations`);
const topics = [...script.topics, ...padding];

describe('1,000 conversations over the Notifications API, through drops, socket_closing, token expiry and a 429 burst', () => {
  let sim: GenesysSimulator;
  let ledger: RunningLedger;
  let db: Client;
  let report: StreamReport;
  const drops: number[] = [];
  const seen: Json = {};

  const get = async (path: string): Promise<Json> => (await fetch(`${ledger.url}${path}`)).json() as Promise<Json>;
  const rows = async (sql: string, params: unknown[] = []): Promise<Json[]> => (await db.query(sql, params)).rows as Json[];

  beforeAll(async () => {
    sim = await GenesysSimulator.start({ heartbeatIntervalMs: 500, tokenTtlSeconds: 3600, channelTtlMs: 20_000, replacedSocketCloseMs: 100 });
    ledger = await startLedger({
      ...sim.ledgerEnv(topics),
      LEDGER_ROLES: 'api,projector,connector',
      GENESYS_HEARTBEAT_TIMEOUT_MS: '3000',
      GENESYS_PING_IDLE_MS: '1000',
      GENESYS_RECONNECT_INITIAL_MS: '20',
      GENESYS_RECONNECT_MAX_MS: '1000',
      LOG_LEVEL: 'error',
    });
    db = new Client({ connectionString: ledger.database.url });
    await db.connect();
    await until(async () => (await get('/v1/admin/connector')).state === 'connected', 'the connector to connect both channels');
    // The burst hits the channels' renewal (PUT subscriptions, due at 80 % of the 20 s channel life, mid-stream).
    sim.failNext({ status: 429, count: 3, retryAfterSeconds: 1, match: (method, path) => method === 'PUT' && path.endsWith('/subscriptions') });

    const n = script.messages.length;
    const safe = safeDropIndexes(script.messages, GAP_WINDOW);
    const safeFrom = (share: number) => {
      for (let index = Math.floor(n * share); index < n; index += 1) if (safe(index)) return index;
      throw new Error('no safe drop point');
    };
    drops.push(safeFrom(0.15), safeFrom(0.4));
    const before = new Map<number, () => void | Promise<void>>([
      [drops[0] as number, () => sim.dropSockets()],
      [Math.floor(n * 0.3), () => sim.expireTokens()],
      [drops[1] as number, () => sim.dropSockets()],
      [Math.floor(n * 0.55), () => sim.sendSocketClosing()],
    ]);
    report = await sim.stream(script.messages, { ratePerSecond: RATE, before });
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await ledger?.close();
    await sim?.stop();
  });

  it('went through every disturbance it was meant to', async () => {
    const view = await get('/v1/admin/connector');
    Object.assign(seen, { stats: { ...sim.channels.stats, ...sim.http.stats, tokensIssued: sim.tokens.issued }, view });
    expect(view.channels).toHaveLength(2);
    expect(sim.channels.stats.forcedDrops).toBe(4);
    expect(sim.channels.stats.socketClosingsSent).toBe(2);
    expect(view.handovers).toBe(2);
    expect(view.reconnects).toBe(4);
    // Token expiry: the tokens died early (expires_in still promised an hour); the reconnect after the second drop
    // met a 401, invalidated the token, fetched a new one and went on.
    expect(sim.http.stats.unauthorized).toBeGreaterThanOrEqual(1);
    expect(view.api.unauthorizedRetries).toBeGreaterThanOrEqual(1);
    // The 429 burst was met by the renewals, which waited Retry-After and succeeded before the channels expired.
    expect(sim.http.stats.injectedFailures).toBe(3);
    expect(view.channels.every((channel: Json) => channel.renewals >= 1)).toBe(true);
    expect(sim.channels.stats.channelsCreated).toBe(2);
    expect(report.missed.length).toBeGreaterThan(0);
    expect(report.unrouted).toEqual([]);
  });

  it('recorded exactly the two drops of each channel as gaps (socket_closing left none), all closed', async () => {
    const gaps = await rows('SELECT channel_index, reason, started_at, ended_at FROM connector_gaps ORDER BY started_at');
    expect(gaps).toHaveLength(4);
    expect(gaps.map((gap) => gap.channel_index).sort()).toEqual([0, 0, 1, 1]);
    for (const gap of gaps) {
      expect(gap.ended_at).not.toBeNull();
      expect(gap.reason).toMatch(/socket closed \(1006/);
      expect(gap.ended_at.getTime() - gap.started_at.getTime()).toBeLessThan((GAP_WINDOW / RATE) * 1000);
    }
    // Every lost message was published inside one of the two drop windows.
    expect(report.missed.every((index) => drops.some((drop) => index >= drop && index < drop + GAP_WINDOW))).toBe(true);
  });

  it('stored exactly what was delivered: no loss outside the gaps', async () => {
    const receivedAt = new Date();
    const idOf = (index: number): string => {
      const result = normaliseMessage(script.messages[index], { source: 'notifications', receivedAt });
      if (result.outcome !== 'event') throw new Error(`message ${index} did not normalise`);
      return result.event.eventId;
    };
    const delivered = new Set(report.delivered.map(idOf));
    await until(async () => Number((await rows('SELECT count(*) AS n FROM ledger_events'))[0]?.n) >= delivered.size, 'the delivered events to be stored', 60_000);
    const stored = new Set((await rows('SELECT event_id FROM ledger_events')).map((row) => String(row.event_id)));
    expect(stored.size).toBe(delivered.size);
    expect([...delivered].filter((id) => !stored.has(id))).toEqual([]);
  });

  it('ends with every conversation in the read models and no duplicate timeline entry', async () => {
    await until(async () => {
      const projections = await get('/v1/admin/projections');
      return projections.head !== null && projections.items?.[0]?.position === projections.head;
    }, 'the projector to be live at the head', 90_000);
    const interactions = await rows('SELECT conversation_id FROM interactions');
    expect(new Set(interactions.map((row) => row.conversation_id))).toEqual(new Set(script.conversations.map((conversation) => conversation.conversationId)));
    const duplicates = await rows(
      `SELECT conversation_id, event_type, event_time, md5(data::text) AS body, count(*) AS n FROM interaction_events
       GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
    const timeline = Number((await rows('SELECT count(*) AS n FROM interaction_events'))[0]?.n);
    expect(timeline).toBe(Number((await rows('SELECT count(*) AS n FROM ledger_events'))[0]?.n));
    const sample = script.conversations[500]?.conversationId;
    const one = await fetch(`${ledger.url}/v1/interactions/${sample}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as Json).conversationId).toBe(sample);
    const gapMs = (await rows('SELECT round(extract(epoch FROM ended_at - started_at) * 1000)::int AS ms FROM connector_gaps ORDER BY started_at')).map((row) => row.ms);
    // eslint-disable-next-line no-console
    console.log('connector scenario', JSON.stringify({ messages: script.messages.length, delivered: report.delivered.length, missed: report.missed.length, streamMs: report.durationMs, drops, gapMs, stats: seen.stats }));
  });
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
