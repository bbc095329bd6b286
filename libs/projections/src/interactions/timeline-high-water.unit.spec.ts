import { describe, expect, it } from 'vitest';
import { TimelineHighWater } from './timeline-high-water';

describe('TimelineHighWater', () => {
  it('takes an empty timeline, then each batch past the one before, as new', () => {
    const highWater = new TimelineHighWater(null);
    expect(highWater.pass([5n, 9n, 12n])).toBe(true);
    expect(highWater.pass([13n, 40n])).toBe(true);
  });

  it('refuses a batch reaching back to or below the high water, and still moves past it', () => {
    const highWater = new TimelineHighWater(100n);
    expect(highWater.pass([100n, 101n])).toBe(false);
    expect(highWater.pass([90n, 150n])).toBe(false);
    // The high water is now 150: a batch from 120 holds positions a batch of this run may have written.
    expect(highWater.pass([120n, 160n])).toBe(false);
    expect(highWater.pass([161n])).toBe(true);
  });

  it('a batch asked about again (a retry, a re-application) is no longer new', () => {
    const highWater = new TimelineHighWater(null);
    expect(highWater.pass([3n, 4n])).toBe(true);
    expect(highWater.pass([3n, 4n])).toBe(false);
  });

  it('refuses a batch holding a position twice or out of order', () => {
    expect(new TimelineHighWater(null).pass([5n, 5n])).toBe(false);
    expect(new TimelineHighWater(null).pass([7n, 6n])).toBe(false);
  });

  it('an empty batch is new and leaves the high water where it was', () => {
    const highWater = new TimelineHighWater(10n);
    expect(highWater.pass([])).toBe(true);
    expect(highWater.pass([10n])).toBe(false);
  });
});
