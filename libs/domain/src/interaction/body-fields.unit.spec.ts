import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIso, instantMs, isoMs, toIso } from './body-fields';

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

  it('stay right past the memo limit', () => {
    const base = Date.UTC(2026, 0, 1);
    const wrong: number[] = [];
    for (let i = 0; i < 120_000; i++) if (toIso(base + i) !== new Date(base + i).toISOString()) wrong.push(i);
    expect(wrong).toEqual([]);
  });
});
