/** Median of the repeated runs' values (the figure reported); null when nothing was measured. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? null;
}

export function round(value: number | null, digits = 0): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** value / baseline, or null when either is missing. */
export function ratio(value: number | null, baseline: number | null, digits = 2): number | null {
  if (value === null || baseline === null || baseline === 0) return null;
  return round(value / baseline, digits);
}

export const elapsedMs = (startNs: bigint): number => Number(process.hrtime.bigint() - startNs) / 1e6;
