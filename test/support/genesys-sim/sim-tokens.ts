import { randomBytes } from 'node:crypto';

export type TokenCheck = 'ok' | 'missing' | 'unknown' | 'expired' | 'revoked';

interface IssuedToken {
  expiresAt: number;
  revoked: boolean;
}

/** OAuth client credentials as Genesys' login service answers them, with tokens as short-lived as a test wants. */
export class SimTokens {
  private readonly tokens = new Map<string, IssuedToken>();
  issued = 0;

  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly ttlSeconds: () => number,
  ) {}

  /** Checks `Authorization: Basic ...` and the form; returns the token response or an OAuth error. */
  grant(authorization: string | undefined, form: string): { status: number; body: Record<string, unknown> } {
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (authorization !== expected) return { status: 401, body: { error: 'invalid_client', description: 'client authentication failed' } };
    if (new URLSearchParams(form).get('grant_type') !== 'client_credentials') {
      return { status: 400, body: { error: 'unsupported_grant_type', description: 'only client_credentials is supported' } };
    }
    const token = randomBytes(24).toString('base64url');
    const ttl = this.ttlSeconds();
    this.tokens.set(token, { expiresAt: Date.now() + ttl * 1000, revoked: false });
    this.issued += 1;
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: ttl } };
  }

  check(authorization: string | undefined): { result: TokenCheck; token: string | null } {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? null;
    if (token === null) return { result: 'missing', token };
    const issued = this.tokens.get(token);
    if (!issued) return { result: 'unknown', token };
    if (issued.revoked) return { result: 'revoked', token };
    return { result: Date.now() >= issued.expiresAt ? 'expired' : 'ok', token };
  }

  /** Every token issued so far stops working now (a client that trusts expires_in learns it from a 401). */
  expireAll(): void {
    for (const token of this.tokens.values()) token.expiresAt = Math.min(token.expiresAt, Date.now());
  }

  revokeAll(): string[] {
    const revoked: string[] = [];
    for (const [value, token] of this.tokens) {
      if (!token.revoked) revoked.push(value);
      token.revoked = true;
    }
    return revoked;
  }
}
