import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { GenesysSimulator, type GenesysSimOptions } from '../support/genesys-sim/genesys-sim';
import { conversationScript } from '../support/genesys-sim/sim-script';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * The Notifications API consumer against the Genesys simulator, one behaviour per test: topics spread over channels,
 * rejected topics reported, the heartbeat watchdog, idle pings, token revocation, no_longer_subscribed and channel
 * renewal. Timings are shortened through the GENESYS_* variables.
 */
type Json = Record<string, any>;

const FAST = {
  GENESYS_HEARTBEAT_TIMEOUT_MS: '1500',
  GENESYS_PING_IDLE_MS: '400',
  GENESYS_RECONNECT_INITIAL_MS: '20',
  GENESYS_RECONNECT_MAX_MS: '400',
  LEDGER_ROLES: 'api,connector',
  LOG_LEVEL: 'error',
};

const script = conversationScript({ seed: 11, conversations: 40 });
const userTopic = (n: number) => `v2.users.${String(n).padStart(8, '0')}-0000-4000-8000-000000000000.conversations`;

describe('Notifications API connector', () => {
  let sim: GenesysSimulator | null = null;
  let ledger: RunningLedger | null = null;

  afterEach(async () => {
    await ledger?.close();
    await sim?.stop();
    ledger = null;
    sim = null;
  });

  const boot = async (simOptions: GenesysSimOptions, topics: string[] = script.topics, env: Record<string, string> = {}) => {
    sim = await GenesysSimulator.start({ heartbeatIntervalMs: 200, ...simOptions });
    ledger = await startLedger({ ...FAST, ...sim.ledgerEnv(topics), ...env });
    await until(async () => (await connector()).state === 'connected', 'the connector to connect');
    return { sim, ledger };
  };
  const connector = async (): Promise<Json> => (await fetch(`${ledger?.url}/v1/admin/connector`)).json() as Promise<Json>;
  /** The connector view once its newest gap is on record and closed. */
  const closedGap = async (): Promise<Json> => {
    let view: Json = {};
    await until(async () => {
      view = await connector();
      return view.gaps.total >= 1 && view.gaps.items[0]?.endedAt !== null;
    }, 'the gap to be recorded and closed');
    return view;
  };
  const query = async (sql: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: ledger?.database.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Json[];
    } finally {
      await client.end();
    }
  };

  it('spreads more than 1,000 topics over channels, reports rejected ones, and stores what the sockets carry', async () => {
    const topics = [...script.topics, ...Array.from({ length: 1200 }, (_, n) => userTopic(n)), 'v2.bogus.thing', 'v2.users.forbidden.presence'];
    const { sim } = await boot({}, topics);
    const view = await connector();
    expect(view.channels).toHaveLength(2);
    expect(view.channels.map((channel: Json) => channel.topics)).toEqual([607, 606]);
    expect(view.topics).toMatchObject({ requested: 1213, subscribed: 1211 });
    expect(view.topics.rejected).toEqual(
      expect.arrayContaining([
        { topic: 'v2.bogus.thing', reason: 'Invalid topic', missingPermissions: [] },
        { topic: 'v2.users.forbidden.presence', reason: 'Missing permissions', missingPermissions: ['analytics:conversationDetail:view'] },
      ]),
    );
    const report = await sim.stream(script.messages, { ratePerSecond: 2000 });
    expect(report.missed).toEqual([]);
    const expected = new Set(script.messages.map((message) => `${message.topicName}|${JSON.stringify(message.eventBody)}`)).size;
    await until(async () => Number((await query('SELECT count(*) AS n FROM ledger_events'))[0]?.n) === expected, 'every message to be stored');
    const sources = await query(`SELECT DISTINCT metadata->>'source' AS source FROM ledger_events`);
    expect(sources).toEqual([{ source: 'notifications' }]);
    const metrics = await (await fetch(`${ledger?.url}/metrics`)).text();
    expect(metrics).toMatch(/ledger_ingest_received_total\{source="notifications"\} [1-9]/);
  });

  it('reconnects when the socket goes silent for the heartbeat timeout, and records the gap', async () => {
    const { sim } = await boot({});
    sim.silence();
    await until(async () => (await connector()).reconnects >= 1, 'a reconnect after the heartbeat timeout', 10_000);
    sim.silence(false);
    // The gap row is written beside the reconnect, not before it.
    const view = await closedGap();
    expect(view.gaps.items.at(-1)).toMatchObject({ channelIndex: 0, reason: expect.stringMatching(/^no heartbeat for \d+ ms$/) });
    const [gap] = await query('SELECT reason, started_at, ended_at FROM connector_gaps ORDER BY id LIMIT 1');
    expect(gap?.ended_at).not.toBeNull();
  });

  it('pings when idle; the pongs keep a line without heartbeats alive', async () => {
    const { sim } = await boot({ heartbeatIntervalMs: 0 });
    await sleep(2_500);
    expect(sim.channels.stats.pingsReceived).toBeGreaterThanOrEqual(3);
    expect((await connector()).reconnects).toBe(0);
  });

  it('recreates the channel after token_revoked, with a new token, and records the gap', async () => {
    const { sim } = await boot({});
    const before = (await connector()).channels[0].channelId;
    const tokensBefore = sim.tokens.issued;
    sim.revokeTokens();
    await until(async () => {
      const view = await connector();
      return view.state === 'connected' && view.channels[0].channelId !== before;
    }, 'a new channel');
    expect(sim.tokens.issued).toBe(tokensBefore + 1);
    const view = await closedGap();
    expect(view.gaps.items[0]).toMatchObject({ reason: 'token revoked', channelId: before, endedAt: expect.any(String) });
  });

  it('recreates the channel after no_longer_subscribed', async () => {
    const { sim } = await boot({});
    const before = (await connector()).channels[0].channelId;
    sim.unsubscribeAll();
    await until(async () => (await connector()).channels[0].channelId !== before && (await connector()).state === 'connected', 'a new channel');
    expect((await closedGap()).gaps.items[0]).toMatchObject({ reason: 'no longer subscribed' });
    expect(sim.channels.stats.subscriptionPuts).toBe(2);
  });

  it('resubscribes before the channel expires, keeping the same socket (no gap)', async () => {
    const { sim } = await boot({ channelTtlMs: 1_000 });
    const channelId = (await connector()).channels[0].channelId;
    await sleep(3_000);
    const view = await connector();
    expect(view.channels[0]).toMatchObject({ channelId, renewals: expect.any(Number), reconnects: 0 });
    expect(view.channels[0].renewals).toBeGreaterThanOrEqual(3);
    expect(view.gaps.total).toBe(0);
    expect(sim.channels.stats.socketsOpened).toBe(1);
  });

  it('reconnects after a server drop with exponential backoff while the streaming service refuses sockets', async () => {
    const { sim } = await boot({});
    const attemptsBefore = sim.upgradeAttempts;
    sim.refuseSockets(5);
    const droppedAt = Date.now();
    sim.dropSockets();
    await until(async () => (await connector()).reconnects === 1, 'the reconnect');
    const waitedMs = Date.now() - droppedAt;
    expect(sim.upgradeAttempts - attemptsBefore).toBe(6);
    // GENESYS_RECONNECT_INITIAL_MS=20: at least half of 20, 40, 80, 160, 320 ms between the six attempts.
    expect(waitedMs).toBeGreaterThanOrEqual(310);
    const view = await closedGap();
    expect(view.gaps.items[0]).toMatchObject({ reason: expect.stringContaining('socket closed (1006') });
    expect(view.gaps.items[0].durationMs).toBeGreaterThanOrEqual(300);
  });

  it('hands over on socket_closing: the new socket opens before the old one closes', async () => {
    const { sim } = await boot({});
    sim.sendSocketClosing();
    await until(async () => (await connector()).handovers === 1, 'the handover');
    await sleep(300);
    const view = await connector();
    expect(view).toMatchObject({ state: 'connected', reconnects: 0, gaps: { total: 0 } });
    expect(sim.channels.stats.socketsOpened).toBe(2);
  });
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
