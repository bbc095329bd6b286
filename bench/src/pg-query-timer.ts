import { Client } from 'pg';

/**
 * Wall time per SQL statement, seen from the client (`--profile`): where a process waits for PostgreSQL, which a
 * CPU profile only shows as idle. Loaded with `--require` into the service, and called directly in the bench.
 */
interface Timing {
  calls: number;
  totalMs: number;
  rows: number;
}

const timings = new Map<string, Timing>();
const started = Date.now();

const keyOf = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 110);

function note(text: string, ms: number, rows: number): void {
  const key = keyOf(text);
  const timing = timings.get(key) ?? { calls: 0, totalMs: 0, rows: 0 };
  timing.calls += 1;
  timing.totalMs += ms;
  timing.rows += rows;
  timings.set(key, timing);
}

export function installQueryTimer(): void {
  const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __timed?: boolean };
  if (prototype.__timed) return;
  prototype.__timed = true;
  const original = prototype.query;
  prototype.query = function timedQuery(this: unknown, ...args: unknown[]): unknown {
    const config = args[0];
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || typeof (config as { submit?: unknown }).submit === 'function') return original.apply(this, args);
    const t0 = process.hrtime.bigint();
    const ms = (): number => Number(process.hrtime.bigint() - t0) / 1e6;
    const rowsOf = (result: unknown): number => (result as { rowCount?: number | null } | undefined)?.rowCount ?? 0;
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => {
        note(text, ms(), rowsOf(result));
        (callback as (e: unknown, r: unknown) => void)(error, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as Promise<unknown>;
    return result.then((value) => {
      note(text, ms(), rowsOf(value));
      return value;
    });
  };
}

export function resetQueryTimings(): void {
  timings.clear();
}

/** Statements by total wall time, largest first, with their share of the elapsed time. */
export function queryTimingReport(label: string, top = 12): string {
  const elapsed = Date.now() - started;
  const lines = [...timings.entries()]
    .sort((a, b) => b[1].totalMs - a[1].totalMs)
    .slice(0, top)
    .map(([sql, t]) => `  ${t.totalMs.toFixed(0).padStart(8)} ms ${String(t.calls).padStart(7)} calls ${(t.totalMs / t.calls).toFixed(2).padStart(8)} ms/call ${String(t.rows).padStart(9)} rows  ${sql}`);
  return [`SQL wall time (${label}, ${(elapsed / 1000).toFixed(1)} s since start):`, ...lines].join('\n');
}

// Preloaded into the service with `--require`: install, and print the report when the process ends.
if (process.env.BENCH_QUERY_TIMER === 'service') {
  installQueryTimer();
  process.on('exit', () => process.stderr.write(`${queryTimingReport('ledger service')}\n`));
}
