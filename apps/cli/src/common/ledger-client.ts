import { CliError, usageError } from './cli-error';

export interface LedgerResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

export interface LedgerClientOptions {
  /** Base URL of a running ledger, e.g. `http://127.0.0.1:3000`. */
  url: string;
  headers?: Record<string, string>;
  /** Per request. */
  timeoutMs?: number;
}

/** The few HTTP calls the CLI makes, with failures turned into messages a user can act on. */
export class LedgerClient {
  readonly baseUrl: URL;

  constructor(private readonly options: LedgerClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw usageError(`--url must be an http(s) URL such as http://127.0.0.1:3000; got "${options.url}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be http or https; got "${options.url}"`);
    this.baseUrl = url;
  }

  get(path: string): Promise<LedgerResponse> {
    return this.request('GET', path);
  }

  post(path: string, body?: string, contentType = 'application/json'): Promise<LedgerResponse> {
    return this.request('POST', path, body, contentType);
  }

  async request(method: string, path: string, body?: string, contentType?: string, signal?: AbortSignal): Promise<LedgerResponse> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 120_000);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (error: unknown) {
      if (signal?.aborted) throw error;
      throw new CliError(`cannot reach the ledger at ${this.baseUrl.origin}: ${describeNetworkError(error)}`);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  }
}

/** `{"error": {code, message}}` → `CODE: message`; anything else → a short excerpt of the body. */
export function describeApiError(response: LedgerResponse): string {
  const body = response.body;
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return [typeof code === 'string' ? code : null, typeof message === 'string' ? message : null].filter(Boolean).join(': ');
    }
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'the request timed out';
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message;
    return error.message;
  }
  return String(error);
}
