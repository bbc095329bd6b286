import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { LEDGER_SIGNATURE_HEADER, verifyLedgerSignature, type SignatureFailure } from '@ledger/genesys';
import { ApiError } from '../common/api-error';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { findApiKey } from './api-keys';

export type WebhookAuthorisation =
  /** Neither WEBHOOK_SECRET nor LEDGER_API_KEYS is set. */
  | { kind: 'open' }
  | { kind: 'api-key'; keyName: string }
  /** The body must be read, then checked against X-Ledger-Signature. */
  | { kind: 'signature-required' };

/** Stable codes of refused ingest requests, and their statuses: the one place auth failures become HTTP. */
export const AUTH_ERRORS = {
  missing: { code: 'AUTH.SIGNATURE_MISSING', status: HttpStatus.UNAUTHORIZED },
  malformed: { code: 'AUTH.SIGNATURE_MALFORMED', status: HttpStatus.UNAUTHORIZED },
  mismatch: { code: 'AUTH.SIGNATURE_MISMATCH', status: HttpStatus.UNAUTHORIZED },
  stale: { code: 'AUTH.SIGNATURE_STALE', status: HttpStatus.UNAUTHORIZED },
  invalidKey: { code: 'AUTH.INVALID_API_KEY', status: HttpStatus.UNAUTHORIZED },
  credentialsRequired: { code: 'AUTH.CREDENTIALS_REQUIRED', status: HttpStatus.UNAUTHORIZED },
  insufficientScope: { code: 'AUTH.INSUFFICIENT_SCOPE', status: HttpStatus.FORBIDDEN },
} as const satisfies Record<SignatureFailure, { code: string; status: number }> & Record<string, { code: string; status: number }>;

type AuthFailure = keyof typeof AUTH_ERRORS;

/**
 * Who may post to ingest. A bearer key from LEDGER_API_KEYS with scope `ingest` (what an EventBridge API destination
 * sends) is enough; otherwise, with WEBHOOK_SECRET set, the body must carry a valid X-Ledger-Signature.
 */
@Injectable()
export class WebhookAuth {
  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  /** Decides from the headers alone; throws 401/403 when they already settle it. */
  authorise(headers: IncomingHttpHeaders): WebhookAuthorisation {
    const { webhookSecret, apiKeys } = this.config.auth;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer !== undefined && apiKeys.length > 0) {
      const key = findApiKey(apiKeys, bearer);
      if (!key) throw refuse('invalidKey', 'the bearer key is not one of LEDGER_API_KEYS');
      if (!key.scopes.includes('ingest')) throw refuse('insufficientScope', `API key ${key.name} lacks the ingest scope`, { keyName: key.name });
      return { kind: 'api-key', keyName: key.name };
    }
    if (webhookSecret !== null) return { kind: 'signature-required' };
    if (apiKeys.length > 0) throw refuse('credentialsRequired', 'send Authorization: Bearer <key> with a key from LEDGER_API_KEYS that has the ingest scope');
    return { kind: 'open' };
  }

  /** Throws 401 naming what is wrong with the signature; nothing of the request has been stored at this point. */
  verifySignature(headers: IncomingHttpHeaders, rawBody: Buffer): void {
    const secret = this.config.auth.webhookSecret;
    if (secret === null) return;
    const header = headers[LEDGER_SIGNATURE_HEADER];
    const check = verifyLedgerSignature({
      header: Array.isArray(header) ? header.join(',') : header,
      body: rawBody,
      secret,
      nowSeconds: Math.floor(Date.now() / 1000),
      toleranceSeconds: this.config.auth.signatureToleranceSeconds,
    });
    if (!check.ok) throw refuse(check.reason, check.message, check.details);
  }
}

export function refuse(failure: AuthFailure, message: string, details: Record<string, unknown> = {}): ApiError {
  const { code, status } = AUTH_ERRORS[failure];
  return new ApiError(status, code, message, details, status === HttpStatus.UNAUTHORIZED ? { 'www-authenticate': 'Bearer, LedgerSignature' } : {});
}
