import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIso, epochMsIso, instantIso, instantMs, isoMs, toIso } from './body-fields';

describe('memoised date conversions', () => {
  it('agree with Date for any instant, asked once or many times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) }), (ms) => {
        const iso = new Date(ms).toISOString();
        for (let round = 0; round < 2; round++) {
          expect(toIso(ms)).toBe(iso);
          expect(isoMs(iso)).toBe(ms);
          expect(canonicalIso(iso)).toBe(iso);
          expect(instantMs(iso)).toBe(ms);
          expect(instantIso(iso)).toBe(iso);
          expect(instantIso(ms)).toBe(iso);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('bring other ISO spellings to the stored one, and refuse what is not a date', () => {
    expect(canonicalIso('2026-03-02T10:00:00+01:00')).toBe('2026-03-02T09:00:00.000Z');
    expect(canonicalIso('2026-03-02T09:00:00Z')).toBe('2026-03-02T09:00:00.000Z');
    expect(canonicalIso('not a date')).toBeNull();
    expect(canonicalIso('not a date')).toBeNull(); // a memoised NaN stays a refusal
    expect(canonicalIso('')).toBeNull();
    expect(canonicalIso(1_700_000_000_000)).toBeNull();
    expect(instantMs('not a date')).toBeUndefined();
  });

  it('format an event time in epoch ms without the memo exactly as instantIso does, out-of-range and odd numbers included', () => {
    const numbers = fc.oneof(
      fc.integer({ min: -1_000, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1_000 }),
      fc.double(),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0.5, Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 0.5),
    );
    fc.assert(
      fc.property(numbers, (value) => {
        expect(epochMsIso(value)).toBe(instantIso(value));
      }),
      { numRuns: 5_000 },
    );
    expect(epochMsIso(Date.UTC(2026, 2, 2, 9))).toBe('2026-03-02T09:00:00.000Z');
    expect(epochMsIso(-1)).toBeUndefined();
  });

  it('stay right past the memo limit', () => {
    const base = Date.UTC(2026, 0, 1);
    const wrong: number[] = [];
    for (let i = 0; i < 120_000; i++) if (toIso(base + i) !== new Date(base + i).toISOString()) wrong.push(i);
    expect(wrong).toEqual([]);
  });

  it('read strings of the stored shape as Date does, impossible dates and early years included', () => {
    const reference = (iso: string): string | null => {
      const ms = Date.parse(iso);
      return Number.isNaN(ms) ? null : new Date(ms).toISOString();
    };
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const shaped = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 999 }))
      .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string({ minLength: 24, maxLength: 24 })), (iso) => {
        expect(canonicalIso(iso)).toBe(reference(iso));
        expect(isoMs(iso)).toBe(Date.parse(iso));
      }),
      { numRuns: 5_000 },
    );
    for (const impossible of ['2025-02-29T00:00:00.000Z', '2024-02-30T00:00:00.000Z', '2025-04-31T12:00:00.000Z', '2025-01-01T24:00:00.000Z']) {
      expect(canonicalIso(impossible)).toBe(reference(impossible));
    }
    expect(canonicalIso('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
    expect(canonicalIso('0050-06-01T00:00:00.000Z')).toBe('0050-06-01T00:00:00.000Z');
    expect(instantIso('1969-12-31T23:59:59.999Z')).toBeUndefined();
  });
});
