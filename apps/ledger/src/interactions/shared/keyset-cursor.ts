import { Rejected } from './query-params';

/**
 * Opaque keyset cursors: base64url of a JSON array `[kind, ...sort key]`. The kind keeps a cursor of one list
 * from being replayed against another; the server never trusts the content beyond what `decodeCursor` checks.
 */

export function encodeCursor(kind: string, key: readonly (string | null)[]): string {
  return Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');
}

const MALFORMED = new Rejected('is not a cursor this endpoint issued: pass back nextCursor unchanged');

/** The sort key after the kind, each element a string or null; `Rejected` if anything is off. */
export function decodeCursor(raw: string, kind: string, arity: number): (string | null)[] | Rejected {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(raw)) return MALFORMED;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return MALFORMED;
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== kind) return MALFORMED;
  const key = parsed.slice(1) as unknown[];
  if (!key.every((part) => part === null || (typeof part === 'string' && part.length > 0 && part.length <= 512))) return MALFORMED;
  return key as (string | null)[];
}

/** A cursor's timestamp: PostgreSQL microsecond ISO (`to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`). */
export const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** SQL rendering a timestamptz column as `CURSOR_TIME`, so a sort key survives the round trip to the microsecond. */
export const cursorTimeSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
