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
 * Memos of the two date conversions the fold and the projector make for every event: the same instants recur across
 * a conversation's events, and formatting one costs about 0.7 µs here (parsing 0.2 µs), a tenth of a catch-up's CPU.
 * Pure functions of their input, each memo cleared when it reaches MEMO_LIMIT entries.
 */
const MEMO_LIMIT = 50_000;
const isoByMs = new Map<number, string>();
const msByIso = new Map<string, number>();

/** Epoch ms (detail events) or an ISO string (snapshots) to epoch ms; out-of-range years read as missing. */
export function instantMs(value: unknown): number | undefined {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? isoMs(value) : NaN;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? Math.trunc(ms) : undefined;
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

/** `Date.parse`: NaN for what is not a date. */
export function isoMs(iso: string): number {
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
  const ms = isoMs(value);
  return Number.isNaN(ms) ? null : toIso(ms);
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
