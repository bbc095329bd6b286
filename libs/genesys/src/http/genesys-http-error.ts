/** A non-2xx answer from Genesys Cloud. The message never carries credentials or tokens. */
export class GenesysHttpError extends Error {
  constructor(
    readonly status: number,
    /** Genesys' own error code (`bad.credentials`, `too.many.requests`, ...) when the body has one. */
    readonly code: string | null,
    message: string,
    /** `Retry-After` in whole seconds, when the answer carried one. */
    readonly retryAfterSeconds: number | null,
    /** `ININ-Correlation-ID`: what Genesys support asks for. */
    readonly correlationId: string | null,
    /** Method and path only: query strings and bodies may hold secrets. */
    readonly request: string,
  ) {
    super(message);
    this.name = 'GenesysHttpError';
  }
}

/** The request could not be completed at all (connection refused, reset, timed out). */
export class GenesysNetworkError extends Error {
  constructor(
    readonly request: string,
    cause: unknown,
  ) {
    super(`${request} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'GenesysNetworkError';
  }
}

/** `Retry-After` as Genesys sends it: whole seconds. Anything else (HTTP dates, fractions, garbage) is ignored. */
export function parseRetryAfterSeconds(header: string | null): number | null {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return null;
  return Number(header.trim());
}

/** Builds the error for a non-2xx response, reading Genesys' `{message, code, status, contextId}` body if any. */
export async function errorFromResponse(response: Response, request: string): Promise<GenesysHttpError> {
  let code: string | null = null;
  let detail = '';
  try {
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : null;
    if (body !== null && typeof body === 'object') {
      const record = body as Record<string, unknown>;
      code = typeof record['code'] === 'string' ? record['code'] : typeof record['error'] === 'string' ? record['error'] : null;
      const message = record['message'] ?? record['error_description'];
      if (typeof message === 'string') detail = `: ${message.slice(0, 300)}`;
    }
  } catch {
    // A body that is not JSON adds nothing we can rely on.
  }
  return new GenesysHttpError(
    response.status,
    code,
    `${request} answered ${response.status}${code ? ` ${code}` : ''}${detail}`,
    parseRetryAfterSeconds(response.headers.get('retry-after')),
    response.headers.get('inin-correlation-id'),
    request,
  );
}
