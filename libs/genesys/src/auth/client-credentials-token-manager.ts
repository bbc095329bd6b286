import { inspect } from 'node:util';
import { errorFromResponse, GenesysNetworkError } from '../http/genesys-http-error';
import type { RetryPolicy } from 'cockatiel';
import { DEFAULT_RETRY_SETTINGS, genesysRetryPolicy, type RetrySettings } from '../http/retry-policy';
import { silentLogger, type GenesysLogger } from '../logger';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface TokenManagerOptions {
  /** e.g. `https://login.mypurecloud.ie`; the token endpoint is `<loginBase>/oauth/token`. */
  loginBase: string;
  credentials: ClientCredentials;
  /** Share of `expires_in` after which the token is renewed (0.8: well before Genesys stops accepting it). */
  refreshAtFraction?: number;
  retry?: RetrySettings;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  logger?: GenesysLogger;
}

export interface TokenManagerStatus {
  tokensFetched: number;
  /** ISO time the current token is renewed after, null without one. */
  refreshAfter: string | null;
  expiresAt: string | null;
}

interface HeldToken {
  value: string;
  refreshAt: number;
  expiresAt: number;
}

export class TokenResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenResponseError';
  }
}

/**
 * OAuth client credentials for Genesys Cloud: one token, renewed at 80 % of its life, one shared refresh however many
 * callers ask at once. The secret and the tokens live in private fields: they are not enumerable, not in JSON, not
 * in `util.inspect`, and no log line or error message contains them.
 */
export class ClientCredentialsTokenManager {
  readonly #authorization: string;
  #token: HeldToken | null = null;
  #refreshing: Promise<string> | null = null;
  #fetched = 0;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly logger: GenesysLogger;
  private readonly retryPolicy: RetryPolicy;

  constructor(private readonly options: TokenManagerOptions) {
    const { clientId, clientSecret } = options.credentials;
    this.#authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.retryPolicy = genesysRetryPolicy(options.retry ?? DEFAULT_RETRY_SETTINGS);
  }

  /** A token valid now. Renews it when 80 % of its life is gone; concurrent callers share that one renewal. */
  async getToken(): Promise<string> {
    const held = this.#token;
    if (held && this.now() < held.refreshAt) return held.value;
    return this.refresh();
  }

  /** Forget `token` (Genesys answered 401 with it), unless a newer one already replaced it. */
  invalidate(token: string): void {
    if (this.#token?.value === token) this.#token = null;
  }

  /** Forget whatever token is held (Genesys revoked it). */
  invalidateAll(): void {
    this.#token = null;
  }

  status(): TokenManagerStatus {
    const held = this.#token;
    return {
      tokensFetched: this.#fetched,
      refreshAfter: held ? new Date(held.refreshAt).toISOString() : null,
      expiresAt: held ? new Date(held.expiresAt).toISOString() : null,
    };
  }

  toJSON(): Record<string, unknown> {
    return { loginBase: this.options.loginBase, clientId: this.options.credentials.clientId, ...this.status() };
  }

  [inspect.custom](): string {
    return `ClientCredentialsTokenManager ${JSON.stringify(this.toJSON())}`;
  }

  private refresh(): Promise<string> {
    this.#refreshing ??= this.fetchWithRetries().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  private async fetchWithRetries(): Promise<string> {
    try {
      return await this.retryPolicy.execute(() => this.fetchOnce());
    } catch (error) {
      const held = this.#token;
      // A renewal that fails early is no reason to drop a token Genesys still accepts.
      if (held && this.now() < held.expiresAt) {
        this.logger.warn({ err: describe(error), expiresAt: new Date(held.expiresAt).toISOString() }, 'token renewal failed; keeping the current token until it expires');
        return held.value;
      }
      throw error;
    }
  }

  private async fetchOnce(): Promise<string> {
    const request = 'POST /oauth/token';
    const startedAt = this.now();
    let response: Response;
    try {
      response = await this.fetchFn(`${this.options.loginBase}/oauth/token`, {
        method: 'POST',
        headers: { authorization: this.#authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new GenesysNetworkError(request, error);
    }
    if (!response.ok) {
      const error = await errorFromResponse(response, request);
      this.logger.warn({ status: error.status, code: error.code, retryAfterSeconds: error.retryAfterSeconds, correlationId: error.correlationId }, 'token request refused');
      throw error;
    }
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    const value = body?.['access_token'];
    const expiresIn = body?.['expires_in'];
    if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new TokenResponseError(`${request} answered ${response.status} without access_token and a positive expires_in`);
    }
    const lifetimeMs = expiresIn * 1000;
    const fraction = this.options.refreshAtFraction ?? 0.8;
    this.#token = { value, refreshAt: startedAt + lifetimeMs * fraction, expiresAt: startedAt + lifetimeMs };
    this.#fetched += 1;
    this.logger.debug({ expiresIn, tokensFetched: this.#fetched }, 'access token obtained');
    return value;
  }
}

/** An error as a log field: name and message only (ours never hold secrets; a stack adds nothing here). */
export function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
