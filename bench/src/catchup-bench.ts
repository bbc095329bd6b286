import { fork } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { InteractionProjector, interactionTables } from '@ledger/projections';
import { log, record, settle, type Context } from './context';
import { eventStoreTarget, interactionHead, openEventStore } from './event-store-target';
import { elapsedMs } from './stats';
import type { ThroughputRun } from './append-bench';
import type { CatchUpChildReply } from './catchup-child';
import { serviceNodeFlags } from './ledger-service';
import { nodeFlagName } from './start-prod-flags';

const READ_MODEL_TABLES = [...Object.values(interactionTables(1)), 'projection_checkpoints'].join(', ');

/** A catch-up's rate, and what its process spent on it (CPU and minor page faults over the timed window only). */
export interface CatchUpRun extends ThroughputRun {
  cpuUsPerEvent: number;
  faultsPerEvent: number;
}

/**
 * One catch-up of the interaction projector from position 0 into every read model (empty at the start): timed
 * from `start()` until it reports `live` at the store's head. Runs in this process, as the projector role would;
 * `batchSize` as `PROJECTOR_BATCH_SIZE` sets it there (undefined: the projector's default).
 */
export async function catchUpOnce(databaseUrl: string, head: { events: number; position: bigint }, batchSize?: number): Promise<CatchUpRun> {
  await resetReadModels(databaseUrl);
  // The forked process reads EVENTSTORE_URL from the environment it inherits, as the projector role does.
  const store = openEventStore(eventStoreTarget(), databaseUrl, { pollIntervalMs: 50 });
  let failure: unknown = null;
  const projector = new InteractionProjector(store, { connectionString: databaseUrl, ...(batchSize ? { batchSize } : {}), onError: (error) => (failure = error) });
  try {
    const before = process.resourceUsage();
    const started = process.hrtime.bigint();
    projector.start();
    for (;;) {
      const status = projector.status();
      if (status.phase === 'live' && status.position !== null && BigInt(status.position) >= head.position) break;
      if (failure) throw failure;
      await sleep(10);
    }
    const ms = elapsedMs(started);
    const after = process.resourceUsage();
    const cpuUs = after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime;
    return {
      events: head.events,
      ms,
      eps: (head.events / ms) * 1000,
      cpuUsPerEvent: cpuUs / head.events,
      faultsPerEvent: (after.minorPageFault - before.minorPageFault) / head.events,
    };
  } finally {
    await projector.stop();
    await store.close();
  }
}

/**
 * `VACUUM (ANALYZE)` of the store, then a checkpoint: a settled store, as the query phase starts from one. Right after
 * a bulk ingest autovacuum has not yet passed over the new rows: its first pass (ten seconds and more over a million
 * rows, hint bits and the visibility map) ran inside the first repetition, which was the slowest in every full run
 * from run P to run S. Without statistics the planner also sorts everything after the cursor on every read.
 */
export async function settleStore(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE) ledger_events');
    await client.query('CHECKPOINT').catch(() => undefined);
  } finally {
    await client.end();
  }
}

async function resetReadModels(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`TRUNCATE ${READ_MODEL_TABLES}`);
    // Every run starts from the same state: the previous run's dirty pages written out (superuser or pg_checkpoint).
    await client.query('CHECKPOINT').catch(() => undefined);
  } finally {
    await client.end();
  }
}

/**
 * catchup_eps: the median of `catchupReps` catch-ups of the whole store, each in a forked process of its own with
 * the service's Node flags, as the projector role runs (`--profile`: profiled too). The bench's own process holds the
 * workload and runs with a 12 GB heap; a catch-up inside it ran about 15% slower (each scavenge walked more).
 */
export async function catchupPhase(ctx: Context, databaseUrl: string, profileDir: string | null): Promise<void> {
  await settleStore(databaseUrl);
  const head = ctx.head ?? (await interactionHead(ctx.store, databaseUrl));
  ctx.figures.catchup_events = head.events;
  for (let rep = 1; rep <= ctx.plan.catchupReps; rep++) {
    const { run, peakRssMb } = await catchUpInChild(databaseUrl, head, profileDir);
    record(ctx, 'catchup_eps', run.eps);
    if (peakRssMb !== null) record(ctx, 'catchup_rss_peak_mb', peakRssMb);
    log(`  rep ${rep}: ${run.events} events in ${(run.ms / 1000).toFixed(1)} s, ${Math.round(run.eps)} events/s, ${run.cpuUsPerEvent.toFixed(1)} µs of CPU and ${run.faultsPerEvent.toFixed(2)} page faults an event, peak RSS ${peakRssMb} MiB`);
  }
  settle(ctx, 'catchup_eps');
  settle(ctx, 'catchup_rss_peak_mb');
}

/** What a forked catch-up runs with beyond the service's Node flags: more flags, some of them removed, more environment. */
export interface CatchUpProcess {
  nodeFlags?: readonly string[];
  /** Flags of `start:prod` left out, by name (`--max-semi-space-size` drops `--max-semi-space-size=32`). */
  droppedFlags?: readonly string[];
  env?: Readonly<Record<string, string>>;
}

export function catchUpInChild(
  databaseUrl: string,
  head: { events: number; position: bigint },
  profileDir: string | null,
  variant: CatchUpProcess = {},
): Promise<{ run: CatchUpRun; peakRssMb: number | null }> {
  const shipped = serviceNodeFlags().filter((flag) => !(variant.droppedFlags ?? []).includes(nodeFlagName(flag)));
  const child = fork(path.join(__dirname, 'catchup-child.js'), [databaseUrl, String(head.events), head.position.toString()], {
    execArgv: [...shipped, ...(variant.nodeFlags ?? []), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    env: { ...process.env, ...variant.env },
    // Its output goes to stderr: stdout carries only the table and the JSON line.
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let reply: CatchUpChildReply | null = null;
    child.on('message', (message: CatchUpChildReply) => (reply = message));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (reply?.run) resolve({ run: reply.run, peakRssMb: reply.peakRssMb ?? null });
      else reject(new Error(`the catch-up process exited (${code}): ${reply?.error ?? 'no reply'}`));
    });
  });
}
