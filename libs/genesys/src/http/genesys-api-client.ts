import type { RetryPolicy } from 'cockatiel';
import type { ClientCredentialsTokenManager } from '../auth/client-credentials-token-manager';
import { silentLogger, type GenesysLogger } from '../logger';
import { errorFromResponse, GenesysHttpError, GenesysNetworkError } from './genesys-http-error';
import { DEFAULT_RETRY_SETTINGS, genesysRetryPolicy, type RetrySettings } from './retry-policy';

export interface GenesysApiClientOptions {
  /** e.g. `https://api.mypurecloud.ie`. */
  apiBase: string;
  tokens: Pick<ClientCredentialsTokenManager, 'getToken' | 'invalidate'>;
  retry?: RetrySettings;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  logger?: GenesysLogger;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface ApiClientStats {
  requests: number;
  retries: number;
  unauthorizedRetries: number;
}

/**
 * Platform API calls with a bearer token. A 401 invalidates the token and the call is repeated once with a fresh
 * one; 429/502/503/504 and network failures are retried by the shared policy (Retry-After honoured, bounded).
 */
export class GenesysApiClient {
  private readonly fetchFn: typeof fetch;
  private readonly logger: GenesysLogger;
  private readonly retryPolicy: RetryPolicy;
  readonly stats: ApiClientStats = { requests: 0, retries: 0, unauthorizedRetries: 0 };

  constructor(private readonly options: GenesysApiClientOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.logger = options.logger ?? silentLogger;
    this.retryPolicy = genesysRetryPolicy(options.retry ?? DEFAULT_RETRY_SETTINGS);
    this.retryPolicy.onRetry(({ delay, attempt, ...reason }) => {
      this.stats.retries += 1;
      const error = 'error' in reason ? reason.error : undefined;
      this.logger.warn(
        { attempt, delayMs: delay, status: error instanceof GenesysHttpError ? error.status : null, request: requestOf(error) },
        'Genesys API call failed; retrying',
      );
    });
  }

  /** Sends the request; resolves for 2xx (and for 404 when `allow404`), throws GenesysHttpError otherwise. */
  request<T>(method: HttpMethod, path: string, body?: unknown, options: { allow404?: boolean } = {}): Promise<ApiResponse<T | null>> {
    return this.retryPolicy.execute(() => this.withFreshTokenOn401<T>(method, path, body, options.allow404 ?? false));
  }

  private async withFreshTokenOn401<T>(method: HttpMethod, path: string, body: unknown, allow404: boolean): Promise<ApiResponse<T | null>> {
    const token = await this.options.tokens.getToken();
    try {
      return await this.send<T>(method, path, body, token, allow404);
    } catch (error) {
      if (!(error instanceof GenesysHttpError) || error.status !== 401) throw error;
      this.options.tokens.invalidate(token);
      this.stats.unauthorizedRetries += 1;
      this.logger.info({ request: error.request }, 'Genesys API answered 401; retrying once with a new token');
      return this.send<T>(method, path, body, await this.options.tokens.getToken(), allow404);
    }
  }

  private async send<T>(method: HttpMethod, path: string, body: unknown, token: string, allow404: boolean): Promise<ApiResponse<T | null>> {
    const request = `${method} ${path.split('?')[0] ?? path}`;
    this.stats.requests += 1;
    let response: Response;
    try {
      response = await this.fetchFn(`${this.options.apiBase}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new GenesysNetworkError(request, error);
    }
    if (response.status === 404 && allow404) {
      await response.body?.cancel();
      return { status: 404, body: null };
    }
    if (!response.ok) throw await errorFromResponse(response, request);
    const text = method === 'HEAD' ? '' : await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as T) };
  }
}

function requestOf(error: unknown): string | null {
  return error instanceof GenesysHttpError || error instanceof GenesysNetworkError ? error.request : null;
}
