/** How much each measurement does: `--quick` fits in a minute, full mode in about a quarter of an hour. */
export interface BenchPlan {
  mode: 'full' | 'quick';
  /** Repetitions of each measurement; figures are their medians. */
  reps: number;
  /** Events posted to ingest and then caught up by the projector. */
  workloadEvents: number;
  /** Interactions the by-id and list queries run over: the projected ones, widened with older copies (widen-read-model.ts). */
  queryInteractions: number;
  /** Events per append / COPY / Emmett run. */
  appendEvents: number;
  batchSize: number;
  ingestConnections: number;
  /** Consecutive runs the batched ingest of the workload is split into (each one an eps sample). */
  ingestRuns: number;
  singleRequestsPerRun: number;
  singleConnections: number;
  catchupReps: number;
  queryDurationS: number;
  /** Sequential requests per repetition: replay and the HTTP floor; `?activeAt=` first pages; walks of all pages. */
  sequentialSamples: number;
  activeAtSamples: number;
  activeAtWalks: number;
  warmUpRequests: number;
  skip: Set<string>;
  /** `--cpu-prof` the ledger service (and, through run.mjs, this process). */
  profile: boolean;
}

export const PHASES = ['append', 'peer', 'ingest', 'catchup', 'queries'] as const;

export function parsePlan(argv: readonly string[]): BenchPlan {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=', 2);
    if (key) flags.set(key, value ?? 'true');
  }
  const unknown = [...flags.keys()].filter((key) => !['quick', 'reps', 'events', 'interactions', 'skip', 'profile'].includes(key));
  if (unknown.length > 0) throw new Error(`unknown option(s) ${unknown.join(', ')}; known: --quick --reps=N --events=N --interactions=N --skip=${PHASES.join(',')} --profile`);
  const quick = flags.get('quick') === 'true';
  const number = (key: string, fallback: number): number => {
    const raw = flags.get(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a positive integer, got ${raw}`);
    return value;
  };
  const skip = new Set((flags.get('skip') ?? '').split(',').filter((phase) => phase !== ''));
  for (const phase of skip) if (!(PHASES as readonly string[]).includes(phase)) throw new Error(`--skip: unknown phase ${phase}`);
  // Quick mode measures each figure once (still over 100,000 ingested and caught-up events) to stay near a minute.
  const reps = number('reps', quick ? 1 : 3);
  return {
    mode: quick ? 'quick' : 'full',
    reps,
    workloadEvents: number('events', quick ? 100_000 : 1_000_000),
    // Quick mode queries the projected interactions only (widening to 1,000,000 takes minutes).
    queryInteractions: number('interactions', quick ? 1 : 1_000_000),
    appendEvents: quick ? 10_000 : 100_000,
    batchSize: 100,
    ingestConnections: 16,
    ingestRuns: 3,
    singleRequestsPerRun: quick ? 1_000 : 10_000,
    singleConnections: 50,
    catchupReps: reps,
    queryDurationS: quick ? 1.5 : 10,
    sequentialSamples: quick ? 30 : 100,
    activeAtSamples: quick ? 2 : 12,
    activeAtWalks: quick ? 1 : 4,
    warmUpRequests: quick ? 400 : 2_000,
    skip,
    profile: flags.get('profile') === 'true',
  };
}
