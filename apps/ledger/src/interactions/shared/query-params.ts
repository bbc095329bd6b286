import { z } from 'zod';
import { ApiError } from '../../common/api-error';

/**
 * Query-string parsing shared by the read endpoints: every parameter is a single string that a zod schema turns
 * into a typed value, and every failure becomes one 400 naming the parameter.
 */

export const INVALID_PARAMETER = 'QUERY.INVALID_PARAMETER';

export function invalidParameter(parameter: string, reason: string): ApiError {
  return new ApiError(400, INVALID_PARAMETER, `query parameter "${parameter}" ${reason}`, { parameter });
}

/** What a value parser returns when the text is not acceptable: the reason, phrased to follow the parameter name. */
export class Rejected {
  constructor(readonly reason: string) {}
}

/**
 * A parameter given once as non-empty text, then parsed. Express turns `?a=1&a=2` into an array and keeps `a[b]`
 * keys as they are, so anything but a string is refused here rather than guessed at.
 */
export function param<T>(parse: (raw: string) => T | Rejected) {
  return z.unknown().transform((value, context): T => {
    const reason =
      Array.isArray(value) ? 'must be given once'
      : typeof value !== 'string' ? 'must be a plain value'
      : value.trim() === '' ? 'must not be empty'
      : null;
    const parsed = reason === null && typeof value === 'string' ? parse(value) : new Rejected(reason ?? 'is invalid');
    if (parsed instanceof Rejected) {
      context.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    return parsed;
  });
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 date-time with a zone (`Z` or `±hh:mm`), returned normalised to UTC with milliseconds. */
export function parseTimestamp(raw: string): string | Rejected {
  const match = ISO_TIMESTAMP.exec(raw.trim());
  const ms = match ? Date.parse(raw.trim()) : NaN;
  const [year, month, day] = [Number(match?.[1]), Number(match?.[2]), Number(match?.[3])];
  // Date.parse rolls 2025-02-30 over to March; a calendar date that does not exist is a typo, not a time.
  const realDay = new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day && month >= 1 && month <= 12;
  if (!Number.isFinite(ms) || !realDay) {
    return new Rejected(`must be an ISO 8601 timestamp with a time zone, e.g. 2025-04-10T10:42:00Z; got "${raw}"`);
  }
  return new Date(ms).toISOString();
}

export const timestampParam = () => param(parseTimestamp);

/** Free text matched exactly (ids, phone numbers, codes). */
export const textParam = () => param((raw) => (raw.length > 512 ? new Rejected('must be at most 512 characters') : raw));

export const limitParam = (max: number) =>
  param((raw) => {
    const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    return Number.isInteger(value) && value >= 1 && value <= max ? value : new Rejected(`must be an integer from 1 to ${max}; got "${raw}"`);
  });

export const enumParam = <const T extends string>(values: readonly T[], { caseInsensitive = false } = {}) =>
  param((raw): T | Rejected => {
    const found = values.find((value) => (caseInsensitive ? value.toLowerCase() === raw.toLowerCase() : value === raw));
    return found ?? new Rejected(`must be one of ${values.join(', ')}; got "${raw}"`);
  });

/**
 * Parses a request's query object with a strict schema. A misspelt filter must not silently widen the result, so
 * an unknown parameter is reported before anything else.
 */
export function parseQueryParams<S extends z.ZodType>(schema: S, query: unknown, known: readonly string[]): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const unknownKeys = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknownKeys && unknownKeys.code === 'unrecognized_keys') {
    const name = unknownKeys.keys[0] ?? '?';
    throw invalidParameter(
      name,
      known.length === 0 ? 'is not accepted: this endpoint takes no query parameters' : `is not a parameter of this endpoint; known: ${known.join(', ')}`,
    );
  }
  const first = issues[0];
  const name = first?.path[0];
  throw invalidParameter(typeof name === 'string' ? name : 'query', first?.message ?? 'is invalid');
}
