import { describe, expect, it } from 'vitest';
import { signLedgerWebhook, signatureOf, verifyLedgerSignature } from './ledger-signature';

const SECRET = 'whsec-0123456789abcdef';
const NOW = 1_760_000_000;
const body = Buffer.from(JSON.stringify({ topicName: 'v2.detail.events.conversation.x.acd.start', eventBody: { eventTime: 1 } }));
const verify = (header: string | undefined, overrides: { body?: Buffer | string; secret?: string; nowSeconds?: number } = {}) =>
  verifyLedgerSignature({ header, body: overrides.body ?? body, secret: overrides.secret ?? SECRET, nowSeconds: overrides.nowSeconds ?? NOW });

describe('X-Ledger-Signature', () => {
  it('accepts a signature made with the secret over "<t>.<body>"', () => {
    const header = signLedgerWebhook(SECRET, body, NOW - 10);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(header)).toEqual({ ok: true, timestamp: NOW - 10 });
  });

  it('refuses a signature made with another secret', () => {
    expect(verify(signLedgerWebhook('another-secret-entirely', body, NOW))).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses timestamps more than 5 minutes off, either way, and accepts the edge', () => {
    expect(verify(signLedgerWebhook(SECRET, body, NOW - 301))).toMatchObject({ ok: false, reason: 'stale', message: expect.stringContaining('301 s old') });
    expect(verify(signLedgerWebhook(SECRET, body, NOW + 301))).toMatchObject({ ok: false, reason: 'stale', message: expect.stringContaining('in the future') });
    expect(verify(signLedgerWebhook(SECRET, body, NOW - 300))).toMatchObject({ ok: true });
  });

  it('refuses a body altered by one byte', () => {
    const header = signLedgerWebhook(SECRET, body, NOW);
    const altered = Buffer.from(body);
    altered[altered.length - 2] = (altered[altered.length - 2] ?? 0) ^ 0x01;
    expect(verify(header, { body: altered })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a missing header', () => {
    expect(verify(undefined)).toMatchObject({ ok: false, reason: 'missing' });
    expect(verify('  ')).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('refuses malformed headers without comparing anything', () => {
    for (const header of ['v1=abc', `t=${NOW}`, `t=${NOW},v1=xyz`, `t=soon,v1=${'a'.repeat(64)}`, `t=${NOW},t=${NOW},v1=${'a'.repeat(64)}`]) {
      expect(verify(header)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('accepts any one of several v1 signatures (secret rotation on the sender) and ignores unknown schemes', () => {
    const good = signatureOf(SECRET, NOW, body);
    expect(verify(`t=${NOW},v1=${'0'.repeat(64)},v1=${good},v9=whatever`)).toMatchObject({ ok: true });
  });

  it('signs bytes, not text: the same characters in another encoding do not verify', () => {
    const text = '{"name":"Zoë"}';
    const header = signLedgerWebhook(SECRET, Buffer.from(text, 'utf8'), NOW);
    expect(verify(header, { body: Buffer.from(text, 'utf8') })).toMatchObject({ ok: true });
    expect(verify(header, { body: Buffer.from(text, 'latin1') })).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});
