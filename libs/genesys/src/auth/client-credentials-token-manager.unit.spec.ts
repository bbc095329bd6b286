import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GenesysApiClient } from '../http/genesys-api-client';
import { GenesysHttpError } from '../http/genesys-http-error';
import type { GenesysLogger } from '../logger';
import { ClientCredentialsTokenManager } from './client-credentials-token-manager';

interface RecordedCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

type Responder = (call: RecordedCall) => Response | Promise<Response>;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A scripted `fetch`: each call is recorded and answered by the responder. */
function fakeFetch(responder: Responder): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const fetchFn = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const call: RecordedCall = { url: String(input), method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : null };
    calls.push(call);
    return responder(call);
  };
  return { fetch: fetchFn as typeof fetch, calls };
}

const CLIENT_ID = 'client-7f3a';
const CLIENT_SECRET = 'S3cr3t-value-never-logged-9d2c';
const LOGIN = 'https://login.example.test';
const retry = { maxRetries: 4, initialDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterSeconds: 180, defaultRetryAfterSeconds: 3, random: () => 0.5 };

function capturingLogger(): { logger: GenesysLogger; lines: string[] } {
  const lines: string[] = [];
  const record = (fields: Record<string, unknown>, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`);
  return { logger: { debug: record, info: record, warn: record, error: record }, lines };
}

describe('ClientCredentialsTokenManager', () => {
  let clock: number;
  let issued: number;
  const tokenEndpoint = (expiresIn = 100) => (call: RecordedCall) =>
    call.url.endsWith('/oauth/token') ? json(200, { access_token: `token-${++issued}`, token_type: 'bearer', expires_in: expiresIn }) : json(404, {});

  beforeEach(() => {
    clock = 1_000_000;
    issued = 0;
  });

  const manager = (fetchFn: typeof fetch, logger?: GenesysLogger) =>
    new ClientCredentialsTokenManager({ loginBase: LOGIN, credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, fetch: fetchFn, now: () => clock, retry, logger });

  it('asks for client credentials with Basic auth and a form body', async () => {
    const { fetch, calls } = fakeFetch(tokenEndpoint());
    expect(await manager(fetch).getToken()).toBe('token-1');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      url: `${LOGIN}/oauth/token`,
      method: 'POST',
      body: 'grant_type=client_credentials',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
  });

  it('keeps the token until 80 % of expires_in, then fetches a new one', async () => {
    const { fetch, calls } = fakeFetch(tokenEndpoint(100));
    const tokens = manager(fetch);
    expect(await tokens.getToken()).toBe('token-1');
    clock += 79_999;
    expect(await tokens.getToken()).toBe('token-1');
    expect(calls).toHaveLength(1);
    clock += 1;
    expect(await tokens.getToken()).toBe('token-2');
    expect(calls).toHaveLength(2);
  });

  it('shares one refresh among concurrent callers', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fetch, calls } = fakeFetch(async (call) => {
      await gate;
      return tokenEndpoint()(call);
    });
    const tokens = manager(fetch);
    const all = Promise.all(Array.from({ length: 25 }, () => tokens.getToken()));
    release();
    expect(new Set(await all)).toEqual(new Set(['token-1']));
    expect(calls).toHaveLength(1);
  });

  it('keeps a still-valid token when an early renewal fails', async () => {
    let fail = false;
    const { fetch } = fakeFetch((call) => (fail ? json(400, { error: 'invalid_client' }) : tokenEndpoint(100)(call)));
    const tokens = manager(fetch);
    await tokens.getToken();
    fail = true;
    clock += 85_000;
    expect(await tokens.getToken()).toBe('token-1');
    clock += 20_000;
    await expect(tokens.getToken()).rejects.toBeInstanceOf(GenesysHttpError);
  });

  it('never puts the secret or a token in logs, errors, JSON or inspect output', async () => {
    const { logger, lines } = capturingLogger();
    let step = 0;
    const { fetch } = fakeFetch((call) => {
      step += 1;
      if (step === 1) return json(503, { message: 'busy' });
      if (step === 2) return tokenEndpoint(100)(call);
      return json(401, { error: 'invalid_client', error_description: 'bad credentials' });
    });
    const tokens = manager(fetch, logger);
    vi.useFakeTimers();
    try {
      const first = tokens.getToken();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await first).toBe('token-1');
    } finally {
      vi.useRealTimers();
    }
    clock += 200_000;
    const error = await tokens.getToken().catch((caught: unknown) => caught as Error);
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const everything = [...lines, String(error), (error as Error).stack ?? '', JSON.stringify(tokens), inspect(tokens, { depth: 5, showHidden: true })].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of [CLIENT_SECRET, basic, 'token-1']) expect(everything).not.toContain(secret);
    expect(everything).toContain(CLIENT_ID);
  });
});

describe('GenesysApiClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const setUp = (api: (call: RecordedCall, attempt: number) => Response) => {
    let issued = 0;
    let apiCalls = 0;
    const { fetch, calls } = fakeFetch((call) => {
      if (call.url.endsWith('/oauth/token')) return json(200, { access_token: `token-${++issued}`, expires_in: 3600 });
      apiCalls += 1;
      return api(call, apiCalls);
    });
    const { logger, lines } = capturingLogger();
    const tokens = new ClientCredentialsTokenManager({ loginBase: LOGIN, credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, fetch, retry });
    const client = new GenesysApiClient({ apiBase: 'https://api.example.test', tokens, fetch, retry, logger });
    const tokenCalls = () => calls.filter((call) => call.url.endsWith('/oauth/token')).length;
    const apiCallsMade = () => calls.filter((call) => !call.url.endsWith('/oauth/token'));
    return { client, tokenCalls, apiCallsMade, lines };
  };

  it('on 401 invalidates the token and retries once with a new one', async () => {
    const { client, tokenCalls, apiCallsMade } = setUp((_call, attempt) => (attempt === 1 ? json(401, { code: 'bad.credentials' }) : json(200, { ok: true })));
    expect((await client.request('GET', '/api/v2/x')).body).toEqual({ ok: true });
    expect(tokenCalls()).toBe(2);
    expect(apiCallsMade().map((call) => call.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(client.stats.unauthorizedRetries).toBe(1);
  });

  it('gives up after the one retry when the new token is refused too', async () => {
    const { client, apiCallsMade } = setUp(() => json(401, { code: 'bad.credentials' }));
    await expect(client.request('GET', '/api/v2/x')).rejects.toMatchObject({ status: 401 });
    expect(apiCallsMade()).toHaveLength(2);
  });

  it('waits exactly Retry-After (whole seconds) after a 429', async () => {
    vi.useFakeTimers();
    const { client, apiCallsMade } = setUp((_call, attempt) => (attempt === 1 ? json(429, { code: 'too.many.requests' }, { 'retry-after': '2' }) : json(200, { ok: 1 })));
    const pending = client.request('GET', '/api/v2/x');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(apiCallsMade()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).body).toEqual({ ok: 1 });
    expect(apiCallsMade()).toHaveLength(2);
  });

  it('gives up at once when Retry-After exceeds 180 s', async () => {
    const { client, apiCallsMade } = setUp(() => json(429, {}, { 'retry-after': '181' }));
    await expect(client.request('GET', '/api/v2/x')).rejects.toMatchObject({ status: 429, retryAfterSeconds: 181 });
    expect(apiCallsMade()).toHaveLength(1);
  });

  it('backs off exponentially with jitter on 502/503/504 and stops after the bounded number of retries', async () => {
    vi.useFakeTimers();
    const statuses = [502, 503, 504, 503, 503, 503];
    const { client, apiCallsMade, lines } = setUp((_call, attempt) => json(statuses[attempt - 1] ?? 200, {}));
    const outcome = client.request('GET', '/api/v2/x').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await outcome).toMatchObject({ status: 503 });
    expect(apiCallsMade()).toHaveLength(1 + retry.maxRetries);
    // random() = 0.5: half of min(1000, 100·2^(n-1)) fixed plus a quarter of it.
    const delays = lines.filter((line) => line.startsWith('Genesys API call failed')).map((line) => (JSON.parse(line.slice(line.indexOf('{'))) as { delayMs: number }).delayMs);
    expect(delays).toEqual([75, 150, 300, 600]);
  });

  it('does not retry other client errors', async () => {
    const { client, apiCallsMade } = setUp(() => json(400, { code: 'bad.request', message: 'Invalid topic' }));
    await expect(client.request('PUT', '/api/v2/x', [])).rejects.toMatchObject({ status: 400, code: 'bad.request' });
    expect(apiCallsMade()).toHaveLength(1);
  });
});
