import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimChannels } from './sim-channels';
import type { SimTokens } from './sim-tokens';

/** A scripted failure: the next `count` requests matching `match` get `status` (with Retry-After when given). */
export interface InjectedFailure {
  status: number;
  count: number;
  retryAfterSeconds?: number;
  match?: (method: string, path: string) => boolean;
}

export interface HttpStats {
  requests: number;
  tokenRequests: number;
  unauthorized: number;
  injectedFailures: number;
  byRoute: Record<string, number>;
}

const CHANNELS = '/api/v2/notifications/channels';

/** The Platform API and login endpoints the connector uses, with Genesys' error shape. */
export class SimHttp {
  readonly failures: InjectedFailure[] = [];
  readonly stats: HttpStats = { requests: 0, tokenRequests: 0, unauthorized: 0, injectedFailures: 0, byRoute: {} };

  constructor(
    private readonly tokens: SimTokens,
    private readonly channels: SimChannels,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://sim').pathname;
    const body = await readBody(request);
    this.stats.requests += 1;
    const route = `${method} ${path.replace(/streaming-0-[0-9a-f-]+/, '{id}')}`;
    this.stats.byRoute[route] = (this.stats.byRoute[route] ?? 0) + 1;

    const failure = this.failures.find((item) => item.count > 0 && (item.match?.(method, path) ?? true));
    if (failure) {
      failure.count -= 1;
      this.stats.injectedFailures += 1;
      const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
      return sendError(response, failure.status, failure.status === 429 ? 'too.many.requests' : 'service.unavailable', 'injected by the simulator', headers);
    }

    if (method === 'POST' && path === '/oauth/token') {
      this.stats.tokenRequests += 1;
      const grant = this.tokens.grant(request.headers.authorization, body);
      return sendJson(response, grant.status, grant.body);
    }
    if (!path.startsWith(CHANNELS)) return sendError(response, 404, 'not.found', `no route ${method} ${path}`);

    const auth = this.tokens.check(request.headers.authorization);
    if (auth.result !== 'ok' || auth.token === null) {
      this.stats.unauthorized += 1;
      return sendError(response, 401, 'bad.credentials', `token ${auth.result}`);
    }
    if (method === 'POST' && path === CHANNELS) return sendJson(response, 200, this.channels.create(auth.token));

    const match = /^\/api\/v2\/notifications\/channels\/([^/]+)(\/subscriptions)?$/.exec(path);
    const channel = match ? this.channels.channels.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (!match || !channel) return sendError(response, 404, 'not.found', 'channel not found');
    if (!match[2]) {
      if (method === 'HEAD') return sendJson(response, 200, null);
      return sendError(response, 405, 'method.not.allowed', `${method} on a channel`);
    }
    if (method === 'GET') return sendJson(response, 200, { entities: [...channel.topics].map((id) => ({ id, state: 'Permitted' })) });
    if (method === 'DELETE') {
      this.channels.replace(channel, []);
      return sendJson(response, 200, null);
    }
    if (method !== 'PUT' && method !== 'POST') return sendError(response, 405, 'method.not.allowed', `${method} on subscriptions`);
    let requested: string[];
    try {
      requested = (JSON.parse(body) as { id: string }[]).map((item) => item.id);
    } catch {
      return sendError(response, 400, 'bad.request', 'body must be [{"id": "<topic>"}]');
    }
    const topics = method === 'POST' ? [...new Set([...channel.topics, ...requested])] : requested;
    const verdicts = this.channels.replace(channel, topics);
    if (!verdicts) return sendError(response, 400, 'bad.request', `a channel holds at most 1000 topics; got ${topics.length}`);
    return sendJson(response, 200, {
      entities: verdicts.map(({ id, verdict }) => ({ id, ...verdict })),
    });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === null ? '' : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'inin-correlation-id': randomUUID(), ...headers });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, { message, code, status, contextId: randomUUID(), details: [], errors: [] }, headers);
}
