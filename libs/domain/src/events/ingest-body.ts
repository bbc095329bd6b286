import { INGEST_ERROR_CODES, IngestBodyError } from './ingest-errors';

export type BodyFormat = 'json' | 'ndjson';

/** One item of a request body: a parsed JSON value, or an NDJSON line that did not parse. */
export type BodyItem = { ok: true; value: unknown } | { ok: false; message: string };

const JSON_TYPES = new Set(['application/json', 'text/json']);
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines']);

/** `application/json; charset=utf-8` → `json`; anything else is refused with the types that are accepted. */
export function bodyFormatOf(contentType: string | undefined): BodyFormat {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (JSON_TYPES.has(mediaType) || /^application\/[a-z0-9.+-]*\+json$/.test(mediaType)) return 'json';
  if (NDJSON_TYPES.has(mediaType)) return 'ndjson';
  throw new IngestBodyError(
    INGEST_ERROR_CODES.unsupportedMediaType,
    mediaType
      ? `content-type ${mediaType} is not accepted: send application/json or application/x-ndjson`
      : 'content-type is missing: send application/json or application/x-ndjson',
    { field: 'content-type', received: mediaType || null },
  );
}

/**
 * Splits a request body into items: a JSON object is one item, a JSON array is its elements, NDJSON is one item
 * per non-blank line. A body that is not JSON at all is refused whole; a bad NDJSON line only rejects that line.
 */
export function parseBodyItems(raw: string, format: BodyFormat, maxItems: number): BodyItem[] {
  if (raw.trim() === '') throw new IngestBodyError(INGEST_ERROR_CODES.emptyBody, 'request body is empty', { field: 'body' });
  return format === 'json' ? parseJsonBody(raw, maxItems) : parseNdjsonBody(raw, maxItems);
}

function parseJsonBody(raw: string, maxItems: number): BodyItem[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new IngestBodyError(INGEST_ERROR_CODES.malformedJson, `body is not valid JSON: ${(error as Error).message}`, {
      field: 'body',
    });
  }
  const items = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) {
    throw new IngestBodyError(INGEST_ERROR_CODES.emptyBody, 'body is an empty JSON array', { field: 'body' });
  }
  assertBatchSize(items.length, maxItems);
  return items.map((item) => ({ ok: true, value: item }));
}

function parseNdjsonBody(raw: string, maxItems: number): BodyItem[] {
  const lines = raw.split('\n').filter((line) => line.trim() !== '');
  assertBatchSize(lines.length, maxItems);
  return lines.map((line, index) => {
    try {
      return { ok: true, value: JSON.parse(line) as unknown };
    } catch (error) {
      return { ok: false, message: `line ${index + 1} is not valid JSON: ${(error as Error).message}` };
    }
  });
}

function assertBatchSize(count: number, maxItems: number): void {
  if (count > maxItems) {
    throw new IngestBodyError(
      INGEST_ERROR_CODES.batchTooLarge,
      `body holds ${count} items; at most ${maxItems} are accepted per request`,
      { field: 'body', items: count, limit: maxItems },
    );
  }
}
