import { signLedgerWebhook } from '@ledger/genesys';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * Signed webhooks (issue 5): with WEBHOOK_SECRET set, POST /v1/ingest/genesys needs
 * `X-Ledger-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` — or a LEDGER_API_KEYS bearer key with
 * scope `ingest`, which is what an EventBridge API destination sends. Refusals are 401 with a reason and store nothing.
 */
type Json = Record<string, any>;

const SECRET = 'whsec-e2e-0123456789abcdef';
const INGEST_KEY = 'eventbridge-key-0123456789abcdefghij';
const READ_KEY = 'dashboards-key-0123456789abcdefghijk';
const conversationId = '6c0e2a49-0000-4000-8000-00000000e2e5';
const body = (n: number) =>
  JSON.stringify({
    topicName: `v2.detail.events.conversation.${conversationId}.attributes`,
    version: '2',
    eventBody: { eventTime: 1_760_000_000_000 + n, conversationId, attributes: { n: String(n) } },
  });
const now = () => Math.floor(Date.now() / 1000);

describe('signed webhooks and API keys', () => {
  let ledger: RunningLedger;
  let db: Client;
  let n = 0;

  beforeAll(async () => {
    ledger = await startLedger({
      WEBHOOK_SECRET: SECRET,
      LEDGER_API_KEYS: `eventbridge:${INGEST_KEY}:ingest,dashboards:${READ_KEY}:read`,
      LEDGER_ROLES: 'api',
    });
    db = new Client({ connectionString: ledger.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await ledger?.close();
  });

  const stored = async () => Number((await db.query('SELECT count(*) AS n FROM ledger_events')).rows[0].n);
  const post = async (payload: string | Buffer, headers: Record<string, string>) => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    return { status: response.status, body: (await response.json()) as Json };
  };
  /** Posts and checks that a refused request left the store as it was. */
  const refused = async (payload: string | Buffer, headers: Record<string, string>) => {
    const before = await stored();
    const response = await post(payload, headers);
    expect(await stored()).toBe(before);
    return response;
  };

  it('valid signature → 202, stored', async () => {
    const payload = body(++n);
    const response = await post(payload, { 'x-ledger-signature': signLedgerWebhook(SECRET, payload, now()) });
    expect(response).toMatchObject({ status: 202, body: { accepted: 1 } });
  });

  it('wrong secret → 401 AUTH.SIGNATURE_MISMATCH, nothing stored', async () => {
    const payload = body(++n);
    const response = await refused(payload, { 'x-ledger-signature': signLedgerWebhook('not-the-secret-at-all', payload, now()) });
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'AUTH.SIGNATURE_MISMATCH', message: expect.stringContaining('does not match') });
  });

  it('stale timestamp (6 minutes old) → 401 AUTH.SIGNATURE_STALE, nothing stored', async () => {
    const payload = body(++n);
    const response = await refused(payload, { 'x-ledger-signature': signLedgerWebhook(SECRET, payload, now() - 360) });
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'AUTH.SIGNATURE_STALE', details: { toleranceSeconds: 300 } });
    expect(response.body.error.message).toMatch(/\d+ s old; at most 300 s/);
  });

  it('body altered by one byte → 401 AUTH.SIGNATURE_MISMATCH, nothing stored', async () => {
    const payload = Buffer.from(body(++n));
    const header = signLedgerWebhook(SECRET, payload, now());
    const index = payload.indexOf('"n":"') + 5;
    payload[index] = (payload[index] ?? 0) + 1;
    const response = await refused(payload, { 'x-ledger-signature': header });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH.SIGNATURE_MISMATCH');
  });

  it('missing header → 401 AUTH.SIGNATURE_MISSING, nothing stored', async () => {
    const response = await refused(body(++n), {});
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'AUTH.SIGNATURE_MISSING', message: expect.stringContaining('x-ledger-signature') });
  });

  it('malformed header → 401 AUTH.SIGNATURE_MALFORMED', async () => {
    const response = await refused(body(++n), { 'x-ledger-signature': 'sha256=abc' });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH.SIGNATURE_MALFORMED');
  });

  it('a bearer key with scope ingest is accepted without a signature (EventBridge API destinations)', async () => {
    const response = await post(body(++n), { authorization: `Bearer ${INGEST_KEY}` });
    expect(response).toMatchObject({ status: 202, body: { accepted: 1 } });
  });

  it('an unknown key → 401, a key without the ingest scope → 403; nothing stored', async () => {
    const unknown = await refused(body(++n), { authorization: `Bearer ${INGEST_KEY}x` });
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'AUTH.INVALID_API_KEY' } } });
    const readOnly = await refused(body(++n), { authorization: `Bearer ${READ_KEY}` });
    expect(readOnly).toMatchObject({ status: 403, body: { error: { code: 'AUTH.INSUFFICIENT_SCOPE', details: { keyName: 'dashboards' } } } });
  });

  it('counts refusals by reason at /metrics', async () => {
    const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
    expect(metrics).toMatch(/ledger_ingest_unauthorized_total\{reason="AUTH.SIGNATURE_MISMATCH"\} 2/);
    expect(metrics).toMatch(/ledger_ingest_unauthorized_total\{reason="AUTH.SIGNATURE_STALE"\} 1/);
  });
});

describe('API keys without a webhook secret', () => {
  it('requires a bearer key once LEDGER_API_KEYS is set', async () => {
    const ledger = await startLedger({ LEDGER_API_KEYS: `eventbridge:${INGEST_KEY}:ingest`, LEDGER_ROLES: 'api' });
    try {
      const send = (headers: Record<string, string>) =>
        fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body(99) });
      const anonymous = await send({});
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as Json).error.code).toBe('AUTH.CREDENTIALS_REQUIRED');
      expect((await send({ authorization: `Bearer ${INGEST_KEY}` })).status).toBe(202);
    } finally {
      await ledger.close();
    }
  });
});
