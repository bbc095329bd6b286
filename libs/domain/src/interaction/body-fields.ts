/** Total readers for untyped Genesys bodies: a wrong or missing field reads as undefined, never throws. */
export type Body = Record<string, unknown>;

export function record(value: unknown): Body | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The objects of a list, skipping anything that is not one. */
export function records(value: unknown): Body[] {
  return list(value).flatMap((item): Body[] => {
    const r = record(item);
    return r === undefined ? [] : [r];
  });
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Integers may arrive as numbers or numeric strings depending on the route. */
export function count(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

export function flag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

export function texts(value: unknown): string[] {
  return list(value).flatMap((item) => {
    const s = text(item);
    return s === undefined ? [] : [s];
  });
}

const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Memos of the two date conversions, for what is not in the canonical form already (see canonicalMs): epoch ms from
 * detail events to format (about 0.7 µs each here) and other ISO spellings to parse. Pure functions of their input,
 * each memo cleared when it reaches MEMO_LIMIT entries.
 */
const MEMO_LIMIT = 50_000;
const isoByMs = new Map<number, string>();
const msByIso = new Map<string, number>();

/** Epoch ms (detail events) or an ISO string (snapshots) to epoch ms; out-of-range years read as missing. */
export function instantMs(value: unknown): number | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? isoMs(value) : NaN;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? Math.trunc(ms) : undefined;
}

/** `toIso(instantMs(value))`, without formatting a string that is already canonical. */
export function instantIso(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const ms = canonicalMs(value);
    if (ms !== undefined) return ms >= 0 && ms <= MAX_MS ? value : undefined;
  }
  const ms = instantMs(value);
  return ms === undefined ? undefined : toIso(ms);
}

/**
 * `instantIso` of an event's own time in epoch ms, formatted without the memo: ingest sees each time about once, so
 * the memo would only miss, and fill and clear itself.
 */
export function epochMsIso(value: number): string | undefined {
  const ms = instantMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function toIso(ms: number): string {
  let iso = isoByMs.get(ms);
  if (iso === undefined) {
    if (isoByMs.size >= MEMO_LIMIT) isoByMs.clear();
    iso = new Date(ms).toISOString();
    isoByMs.set(ms, iso);
  }
  return iso;
}

/**
 * Epoch ms of a string already in the canonical form (`2026-03-02T09:00:00.000Z`, a real calendar date, year 0100
 * or later), read from its digits; undefined for anything else. Event times reach the fold and the projector in that
 * form and are mostly distinct, so a memo mostly misses: checking the form costs less than parsing or formatting.
 */
function canonicalMs(iso: string): number | undefined {
  if (
    iso.length !== 24 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45 || iso.charCodeAt(10) !== 84 ||
    iso.charCodeAt(13) !== 58 || iso.charCodeAt(16) !== 58 || iso.charCodeAt(19) !== 46 || iso.charCodeAt(23) !== 90
  ) {
    return undefined;
  }
  const year = digitsAt(iso, 0, 4);
  const month = digitsAt(iso, 5, 2);
  const day = digitsAt(iso, 8, 2);
  const hour = digitsAt(iso, 11, 2);
  const minute = digitsAt(iso, 14, 2);
  const second = digitsAt(iso, 17, 2);
  const milli = digitsAt(iso, 20, 3);
  // Date.UTC reads years below 100 as 19xx: those take the slow path.
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || milli < 0) return undefined;
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The decimal number in `text` at [from, from + length), or -1 if a character there is not a digit. */
function digitsAt(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `Date.parse`: NaN for what is not a date. */
export function isoMs(iso: string): number {
  const canonical = canonicalMs(iso);
  if (canonical !== undefined) return canonical;
  let ms = msByIso.get(iso);
  if (ms === undefined) {
    if (msByIso.size >= MEMO_LIMIT) msByIso.clear();
    ms = Date.parse(iso);
    msByIso.set(iso, ms);
  }
  return ms;
}

/** A date string in the one ISO form the ledger stores (`2026-03-02T09:00:00.000Z`), or null if it is not a date. */
export function canonicalIso(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  if (canonicalMs(value) !== undefined) return value;
  const ms = isoMs(value);
  return Number.isNaN(ms) ? null : toIso(ms);
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
