import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks: `X-Ledger-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is
 * inside the MAC, so a captured request cannot be replayed once it is older than the tolerance.
 */
export const LEDGER_SIGNATURE_HEADER = 'x-ledger-signature';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure = 'missing' | 'malformed' | 'mismatch' | 'stale';

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: SignatureFailure; message: string; details: Record<string, unknown> };

export interface VerifyOptions {
  header: string | undefined;
  body: Buffer | string;
  secret: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}

export function signatureOf(secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The header value a sender puts on `body` at `timestamp` (unix seconds). */
export function signLedgerWebhook(secret: string, body: Buffer | string, timestamp: number): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/** Checks the header against the raw body in constant time; says which part failed, never the expected value. */
export function verifyLedgerSignature(options: VerifyOptions): SignatureCheck {
  const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (options.header === undefined || options.header.trim() === '') {
    return fail('missing', `the ${LEDGER_SIGNATURE_HEADER} header is required: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, {});
  }
  const parsed = parseHeader(options.header);
  if (!parsed) {
    return fail('malformed', `${LEDGER_SIGNATURE_HEADER} must look like t=<unix seconds>,v1=<64 hex digits>`, {});
  }
  const expected = Buffer.from(signatureOf(options.secret, parsed.timestamp, options.body), 'hex');
  // Every candidate is compared, so timing does not reveal which (or whether any) came close.
  let matched = false;
  for (const candidate of parsed.signatures) matched = timingSafeEqual(candidate, expected) || matched;
  if (!matched) return fail('mismatch', 'the signature does not match the body and timestamp (wrong secret, or the body was changed)', {});
  const skew = options.nowSeconds - parsed.timestamp;
  if (Math.abs(skew) > tolerance) {
    return fail('stale', `the signature timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; at most ${tolerance} s is accepted`, {
      timestamp: parsed.timestamp,
      toleranceSeconds: tolerance,
    });
  }
  return { ok: true, timestamp: parsed.timestamp };
}

function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } | null {
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (key === undefined || value === undefined || rest.length > 0) return null;
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== null) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return null;
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (v0, v2, ...) are ignored, so senders can add one before we accept it.
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

function fail(reason: SignatureFailure, message: string, details: Record<string, unknown>): SignatureCheck {
  return { ok: false, reason, message, details };
}
