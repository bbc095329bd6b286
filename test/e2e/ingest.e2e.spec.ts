import { AsyncResource } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

const fixture = (name: string): string => readFileSync(path.resolve(__dirname, '../fixtures/genesys', name), 'utf8');
const customerStart = JSON.parse(fixture('01_customer.start_eventbridge.json')) as { detail: Record<string, unknown> };
const customerEnd = JSON.parse(fixture('02_customer.end_eventbridge.json')) as { detail: Record<string, unknown> };
const conversationId = '2f7bf00a-0fc2-4d6a-9b56-92238191433e';

const detailEvent = (kind: string, eventTime: number, extra: Record<string, unknown> = {}, id = conversationId) => ({
  topicName: `v2.detail.events.conversation.${id}.${kind}`,
  version: '2',
  eventBody: { eventTime, conversationId: id, ...extra },
  metadata: { CorrelationId: `c-${eventTime}` },
  timestamp: new Date(eventTime).toISOString(),
});

describe('POST /v1/ingest/genesys', () => {
  let ledger: RunningLedger;
  let db: Client;

  const post = async (body: string | Buffer, contentType: string | null = 'application/json') => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, {
      method: 'POST',
      headers: contentType ? { 'content-type': contentType } : {},
      body,
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };
  const postJson = (value: unknown) => post(JSON.stringify(value));
  const receivedTotal = async () => {
    const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
    return [...metrics.matchAll(/^ledger_ingest_received_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  };
  /** Polls `condition` every 20 ms; fails after 30 s, naming what it waited for. */
  const until = async (condition: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 30_000; !(await condition()); ) {
      if (Date.now() > deadline) throw new Error(`still waiting after 30 s for ${condition.toString()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const storedCount = async () => Number((await db.query('SELECT count(*) AS n FROM ledger_events')).rows[0].n);

  beforeAll(async () => {
    ledger = await startLedger({ INGEST_MAX_ITEMS: '10000' });
    db = new Client({ connectionString: ledger.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await ledger?.close();
  });

  it('accepts the EventBridge sample, and stores it once however often and however it comes', async () => {
    const first = await post(fixture('01_customer.start_eventbridge.json'));
    expect(first).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 0, filtered: 0, rejected: [] } });
    const again = await post(fixture('01_customer.start_eventbridge.json'));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    // The same event as a bare notification message (the WebSocket route) is the same fact.
    const viaNotification = await postJson(customerStart.detail);
    expect(viaNotification.body).toMatchObject({ accepted: 0, duplicates: 1 });
    const rows = await db.query('SELECT stream_id, revision, event_type, data, metadata FROM ledger_events WHERE stream_id = $1', [`interaction-${conversationId}`]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({
      revision: '0',
      event_type: 'v2.detail.events.conversation.{id}.customer.start',
      data: customerStart.detail['eventBody'],
      metadata: { source: 'eventbridge', topicVersion: '2', correlationId: 'fe8a8579-b83f-4f07-b371-2b39398f91a8' },
    });
  });

  it('accepts arrays and NDJSON, reporting duplicates inside one body', async () => {
    const array = await postJson([customerEnd, customerEnd.detail, detailEvent('acd.start', 1649237450000, { queueId: 'q1' })]);
    expect(array).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 1 } });
    const ndjson = await post(
      [detailEvent('acd.end', 1649237460000, { queueId: 'q1', acdOutcome: 'ANSWERED' }), detailEvent('acd.start', 1649237450000, { queueId: 'q1' })]
        .map((line) => JSON.stringify(line))
        .join('\n'),
      'application/x-ndjson',
    );
    expect(ndjson.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const revisions = await db.query('SELECT revision FROM ledger_events WHERE stream_id = $1 ORDER BY revision', [`interaction-${conversationId}`]);
    expect(revisions.rows.map((row) => Number(row.revision))).toEqual([0, 1, 2, 3]);
  });

  it('keeps the good items of a mixed batch and names the bad ones', async () => {
    const id = '11111111-2222-3333-4444-555555555555';
    const response = await postJson([
      detailEvent('customer.start', 1700000000000, {}, id),
      'not an object',
      { topicName: 'v2.detail.events.conversation.customer.start', eventBody: { eventTime: 1 } },
      JSON.parse(fixture('05_channel.metadata_heartbeat.json')),
      JSON.parse(fixture('04_NEGATIVE_non-conversation-detail-type_eventbridge.json')),
    ]);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 1, duplicates: 0, filtered: 1 });
    expect(response.body.rejected).toEqual([
      { index: 1, code: 'INGEST.NOT_AN_OBJECT', message: 'item is a string, expected a JSON object' },
      { index: 2, code: 'INGEST.NO_CONVERSATION_ID', message: expect.stringContaining('names no conversation') },
      { index: 4, code: 'INGEST.DETAIL_TYPE_MISMATCH', message: expect.stringContaining('does not match') },
    ]);
  });

  describe('bad input gets the documented status and message, and loses nothing already accepted', () => {
    let before: number;
    beforeAll(async () => {
      before = await storedCount();
    });
    afterAll(async () => {
      expect(await storedCount()).toBe(before);
    });

    it('malformed JSON → 400 INGEST.MALFORMED_JSON', async () => {
      const response = await post('{"topicName": "v2.detail', 'application/json');
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'INGEST.MALFORMED_JSON', message: expect.stringContaining('not valid JSON'), details: { field: 'body' } });
    });

    it('wrong content type → 415 naming the accepted types', async () => {
      const response = await post(fixture('01_customer.start_eventbridge.json'), 'text/plain');
      expect(response.status).toBe(415);
      expect(response.body.error).toMatchObject({ code: 'INGEST.UNSUPPORTED_MEDIA_TYPE', details: { field: 'content-type', received: 'text/plain' } });
      expect(response.body.error.message).toContain('application/x-ndjson');
    });

    it('empty body → 400 INGEST.EMPTY_BODY', async () => {
      const response = await post('', 'application/json');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('INGEST.EMPTY_BODY');
    });

    it('a 10 MiB body → 413 INGEST.BODY_TOO_LARGE with the limit', async () => {
      const big = `[${Array.from({ length: 10 * 1024 }, () => JSON.stringify({ pad: "x".repeat(1024) })).join(',')}]`;
      expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
      const response = await post(big);
      expect(response.status).toBe(413);
      expect(response.body.error).toMatchObject({ code: 'INGEST.BODY_TOO_LARGE', details: { limit: 5 * 1024 * 1024 } });
    });

    it('an array of 100,000 items → 413 INGEST.BATCH_TOO_LARGE', async () => {
      const response = await postJson(Array.from({ length: 100_000 }, () => ({})));
      expect(response.status).toBe(413);
      expect(response.body.error).toMatchObject({ code: 'INGEST.BATCH_TOO_LARGE', details: { items: 100_000, limit: 10_000 } });
    });

    it('only non-object items → 400 INGEST.NOTHING_VALID listing each', async () => {
      const response = await postJson([1, null, [2]]);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('INGEST.NOTHING_VALID');
      expect(response.body.error.details.rejected.map((item: { index: number; code: string }) => [item.index, item.code])).toEqual([
        [0, 'INGEST.NOT_AN_OBJECT'],
        [1, 'INGEST.NOT_AN_OBJECT'],
        [2, 'INGEST.NOT_AN_OBJECT'],
      ]);
    });

    it('a topic with no conversation id → 400 INGEST.NOTHING_VALID naming the reason', async () => {
      const response = await postJson({ topicName: 'v2.detail.events.conversation.acd.start', eventBody: { eventTime: 1 } });
      expect(response.status).toBe(400);
      expect(response.body.error.details.rejected[0]).toMatchObject({ index: 0, code: 'INGEST.NO_CONVERSATION_ID' });
    });
  });

  it('coalesces concurrent requests into shared commits (group commit), acknowledging each', async () => {
    // The requests are made to overlap for certain: the table is locked against inserts until all 60 have been
    // parsed and submitted (each request counts its items as received in the same step that submits them), so at
    // most two commits are in flight when it is released and the other 58 requests wait for the next one.
    const receivedBefore = await receivedTotal();
    await db.query('BEGIN');
    await db.query('LOCK TABLE ledger_events IN SHARE MODE');
    const requests = Array.from({ length: 60 }, (_, index) =>
      postJson(Array.from({ length: 5 }, (_, event) => detailEvent('attributes', 1_700_000_000_000 + index * 10 + event, { attributes: { k: `${index}` } }, `aaaaaaaa-0000-0000-0000-${String(index).padStart(12, '0')}`))),
    );
    try {
      await until(async () => (await receivedTotal()) - receivedBefore === 300);
    } finally {
      await db.query('COMMIT');
    }
    const responses = await Promise.all(requests);
    expect(responses.every((response) => response.status === 202 && response.body.accepted === 5)).toBe(true);
    const commits = await db.query(
      `SELECT count(DISTINCT position >> 20) AS transactions, count(*) AS events FROM ledger_events WHERE stream_id LIKE 'interaction-aaaaaaaa-%'`,
    );
    expect(Number(commits.rows[0].events)).toBe(300);
    // Two commits held by the lock, then the 58 or more requests queued behind them in one (300 events ≤ 400 a commit).
    expect(Number(commits.rows[0].transactions)).toBeLessThanOrEqual(3);
  });

  it('refuses an event holding U+0000 alone: the requests sharing its commit are stored, and it is a 400 naming the field', async () => {
    const id = (index: number) => `bbbbbbbb-0000-0000-0000-${String(index).padStart(12, '0')}`;
    const withNul = detailEvent('attributes', 1_700_000_100_000, { attributes: { note: 'a\u0000b' } }, id(99));
    const responses = await Promise.all([
      postJson(withNul),
      ...Array.from({ length: 20 }, (_, index) => postJson([detailEvent('attributes', 1_700_000_100_000 + index, {}, id(index))])),
      postJson([detailEvent('customer.start', 1_700_000_100_000, {}, id(98)), withNul]),
    ]);
    const [alone, ...rest] = responses;
    const mixed = rest.pop();
    expect(alone?.status).toBe(400);
    expect(alone?.body.error).toMatchObject({ code: 'INGEST.NOTHING_VALID' });
    expect(alone?.body.error.details.rejected).toEqual([
      { index: 0, code: 'INGEST.NUL_CHARACTER', message: expect.stringContaining('eventBody.attributes.note contains U+0000') },
    ]);
    expect(rest.every((response) => response.status === 202 && response.body.accepted === 1)).toBe(true);
    expect(mixed).toMatchObject({ status: 202, body: { accepted: 1, rejected: [{ index: 1, code: 'INGEST.NUL_CHARACTER' }] } });
    const stored = await db.query(`SELECT count(*) AS n FROM ledger_events WHERE stream_id LIKE 'interaction-bbbbbbbb-%'`);
    expect(Number(stored.rows[0].n)).toBe(21);
  });

  it('stores an event whose eventTime no date can hold, dated by when Genesys sent it (it was a 500)', async () => {
    const id = 'cccccccc-0000-0000-0000-000000000001';
    const far = { ...detailEvent('attributes', 1_700_000_200_000, {}, id), eventBody: { eventTime: 1e20, conversationId: id } };
    const response = await postJson([far, detailEvent('customer.start', 1_700_000_200_001, {}, id)]);
    expect(response).toMatchObject({ status: 202, body: { accepted: 2, rejected: [] } });
    const stored = await db.query(`SELECT metadata->>'eventTime' AS time FROM ledger_events WHERE stream_id = $1 ORDER BY revision`, [`interaction-${id}`]);
    expect(stored.rows.map((row) => row.time)).toEqual([new Date(1_700_000_200_000).toISOString(), new Date(1_700_000_200_001).toISOString()]);
  });

  it('filters topics outside INGEST_TOPICS', async () => {
    const restricted = await startLedger({ INGEST_TOPICS: 'v2.detail.events.conversation.{id}.customer.*' });
    try {
      const response = await fetch(`${restricted.url}/v1/ingest/genesys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([customerStart, detailEvent('acd.start', 1)]),
      });
      expect(await response.json()).toMatchObject({ accepted: 1, filtered: 1 });
    } finally {
      await restricted.close();
    }
  });

  // Fastify before 5.12 bound a callback with AsyncResource.bind for every request with a body; on Node 20 that was a
  // third of the service's CPU for a one-event request (bench/README, "Session 21"). The npm override keeps 5.12+.
  it('handles a request with a body without AsyncResource.bind', async () => {
    const bind = vi.spyOn(AsyncResource.prototype, 'bind');
    const statuses: number[] = [];
    let binds: number;
    try {
      for (let second = 0; second < 3; second++) {
        statuses.push((await postJson(detailEvent('acd.start', 1649238000000 + second * 1000, { queueId: 'q-bind' }, 'c3b5d0a2-6f1e-4c8a-9d7b-2e4f6a8c0b1d'))).status);
      }
    } finally {
      // Read before restoring: mockRestore clears the calls too.
      binds = bind.mock.calls.length;
      bind.mockRestore();
    }
    expect(statuses).toEqual([202, 202, 202]);
    expect(binds).toBe(0);
  });

  it('serves health and metrics', async () => {
    expect((await fetch(`${ledger.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${ledger.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, migrations: { status: 'up' }, eventStore: { status: 'up' } },
    });
    const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
    expect(metrics).toMatch(/ledger_ingest_appended_total \d+/);
    expect(metrics).toMatch(/ledger_ingest_duplicate_total [1-9]/);
  });
});
