/**
 * A small seeded PRNG (mulberry32) and the draws the simulator needs. Pure: the same seed gives the same sequence
 * on every machine, so a simulated day of traffic can be reproduced from its seed alone.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Exponentially distributed with the given mean, rounded to whole ms. */
  exponential(mean: number): number;
  /** Log-normal around a median, clamped to [min, max]; models handle times (long right tail). */
  logNormal(median: number, spread: number, min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; `weights` sums need not be 1. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** A random-looking RFC 4122 version-4 UUID drawn from this sequence. */
  uuid(): string;
}

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed with a stream number, so independent streams (per conversation, deliveries) do not correlate. */
export function deriveSeed(seed: number, stream: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export function seededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  // Four hex digits per draw: the simulator mints a few UUIDs per event, so this is on the hot path.
  const hex4 = (): string => (0x10000 + int(0, 0xffff)).toString(16).slice(1);
  return {
    next,
    int,
    chance: (p) => next() < p,
    exponential: (mean) => Math.round(-Math.log(1 - next()) * mean),
    logNormal: (median, spread, min, max) => {
      // Box-Muller: one standard normal draw.
      const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return Math.round(Math.min(max, Math.max(min, median * Math.exp(spread * normal))));
    },
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick() from an empty list');
      return item;
    },
    weighted: (entries) => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      const last = entries[entries.length - 1];
      if (last === undefined) throw new RangeError('weighted() from an empty list');
      return last[0];
    },
    // join() yields a flat string; a template literal of many parts would keep a rope of ~10 nodes per id alive.
    uuid: () =>
      [
        hex4() + hex4(),
        hex4(),
        `4${hex4().slice(1)}`,
        ('89ab'[int(0, 3)] ?? '8') + hex4().slice(1),
        hex4() + hex4() + hex4(),
      ].join('-'),
  };
}
