import os from 'node:os';
import type { BenchServer } from './bench-server';
import type { CpuAccounting, CpuSplit } from './cpu-accounting';
import type { EventStoreTarget } from './event-store-target';
import type { BenchPlan } from './plan';
import type { Figures } from './report';
import { median, round } from './stats';
import type { Workload } from './workload';

/** Progress goes to stderr: stdout carries only the table and, last, the JSON line. */
export const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
export const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Raw samples of every repeated measurement, kept in the JSON next to their medians. */
export type Runs = Record<string, number[]>;

/** What every phase reads and fills in: the plan, the server, the workload, and the figures with their samples. */
export interface Context {
  plan: BenchPlan;
  server: BenchServer;
  /** Where the events live: the PostgreSQL store (default) or EventStoreDB (`EVENTSTORE_URL`). */
  store: EventStoreTarget;
  workload: Workload;
  /** The store's interaction events once ingest is done (counted once: on EventStoreDB it means reading `$all`). */
  head?: { events: number; position: bigint };
  figures: Figures;
  reasons: Record<string, string>;
  runs: Runs;
  notes: string[];
  phaseSeconds: Record<string, number>;
  phaseLoad: Record<string, number>;
  cpu: CpuAccounting;
  phaseCpu: Record<string, CpuSplit | null>;
}

export const record = (ctx: Context, name: string, value: number): void => {
  (ctx.runs[name] ??= []).push(round(value, 3) ?? 0);
};
export const settle = (ctx: Context, name: string, digits = 0, runName = name): void => {
  ctx.figures[name] = round(median(ctx.runs[runName] ?? []), digits);
};

/** Other work on the machine skews every figure: the 1-minute load average is kept beside each phase. */
export const loadAverage = (): number => round(os.loadavg()[0] ?? 0, 2) ?? 0;
