import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runMigrations } from '@ledger/event-store';
import { INTERACTION_STREAM_PREFIX } from '@ledger/projections';
import { LEDGER_MIGRATIONS } from '../../apps/ledger/src/database/ledger-migrations';
import { appendPhase } from './append-phase';
import { startBenchServer } from './bench-server';
import { catchupPhase } from './catchup-bench';
import { loadAverage, log, type Context } from './context';
import { CpuAccounting } from './cpu-accounting';
import { floorPhase, ingestPhase } from './ingest-phase';
import { startLedgerService } from './ledger-service';
import { assertWorkloadAbsent, describeTarget, eventStoreTarget } from './event-store-target';
import { emmettSource } from './peer-bench';
import { installQueryTimer, queryTimingReport, resetQueryTimings } from './pg-query-timer';
import { parsePlan } from './plan';
import { queryPhase } from './query-phase';
import { FIGURE_NAMES, renderCpuTable, renderTable, targetsMet, withRatios, type Figures } from './report';
import { round } from './stats';
import { buildWorkload, WORKLOAD_SEED } from './workload';

async function timed(ctx: Context, phase: string, work: () => Promise<void>): Promise<void> {
  const started = Date.now();
  log(`── ${phase} (load average ${loadAverage()})`);
  resetQueryTimings();
  const before = ctx.cpu.snapshot();
  await work();
  ctx.phaseCpu[phase] = ctx.cpu.split(before, ctx.cpu.snapshot());
  if (ctx.plan.profile) log(queryTimingReport(`bench process, ${phase}`));
  ctx.phaseSeconds[phase] = round((Date.now() - started) / 1000, 1) ?? 0;
  ctx.phaseLoad[phase] = loadAverage();
}

async function main(): Promise<void> {
  const plan = parsePlan(process.argv.slice(2));
  const store = eventStoreTarget();
  const started = Date.now();
  const figures: Figures = {};
  let postmasterPid = (): number | null => null;
  const ctx: Omit<Context, 'server' | 'store' | 'workload'> = {
    plan, figures, reasons: {}, runs: {}, notes: [], phaseSeconds: {}, phaseLoad: {},
    cpu: new CpuAccounting(() => postmasterPid()), phaseCpu: {},
  };
  const loadAtStart = loadAverage();
  const profileDir = path.resolve(__dirname, '../../../.profiles');
  if (plan.profile) {
    mkdirSync(profileDir, { recursive: true });
    installQueryTimer();
  }
  log(`${plan.mode} mode: ${plan.workloadEvents.toLocaleString('en-US')} workload events, ${plan.reps} repetitions, events in ${describeTarget(store)}`);
  const server = await startBenchServer(log);
  postmasterPid = () => server.postmasterPid();
  let pgVersion = '?';
  try {
    pgVersion = await server.serverVersion();
    log(`generating the workload (seed ${WORKLOAD_SEED})`);
    const workload = buildWorkload(plan.workloadEvents);
    log(`  ${workload.conversations} conversations, ${workload.events} events, ${workload.deliveries.length} deliveries in ${workload.generateMs} ms`);
    const full: Context = { ...ctx, server, store, workload };
    // Before any phase writes: a store already holding the workload would be found out only after the append phase.
    if (!plan.skip.has('ingest')) await assertWorkloadAbsent(store, `${INTERACTION_STREAM_PREFIX}${workload.replaySubject.conversationId}`);
    if (store.kind === 'esdb' && !plan.skip.has('append')) {
      full.notes.push(
        `EventStoreDB: the append phase's ${2 * plan.reps * plan.appendEvents} events stay in $all, before the workload's; the catch-up's filtered subscription reads past them`,
      );
    }
    full.phaseSeconds.generate = round(workload.generateMs / 1000, 1) ?? 0;

    if (!plan.skip.has('append')) await timed(full, 'append: EventStore.appendMany vs COPY vs Emmett', () => appendPhase(full));
    else full.reasons.append_eps = 'skipped (--skip=append)';

    if (!plan.skip.has('ingest')) {
      const databaseUrl = await server.createDatabase('main');
      await runMigrations(databaseUrl, LEDGER_MIGRATIONS);
      const serviceOptions = {
        databaseUrl,
        ...(store.kind === 'esdb' ? { eventStoreUrl: store.url } : {}),
        ...(plan.profile ? { cpuProfileDir: profileDir } : {}),
      };
      // A service process each for the HTTP floor, ingest and the queries: each --profile covers one kind of work, and
      // ingest's peak RSS is ingest's alone (the floor's 30 s at 10,000+ requests a second left the process at up to
      // 459 MB in two runs of seven, which the peak then counted).
      const floorService = await startLedgerService(serviceOptions);
      ctx.cpu.servicePid = floorService.pid;
      try {
        await timed(full, 'HTTP floor: GET /health/live', () => floorPhase(full, floorService));
      } finally {
        await floorService.stop();
      }
      const ingestService = await startLedgerService(serviceOptions);
      ctx.cpu.servicePid = ingestService.pid;
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        figures.rss_idle_mb = round(ingestService.rssMb(), 0);
        await timed(full, 'ingest: POST /v1/ingest/genesys', () => ingestPhase(full, ingestService, databaseUrl));
      } finally {
        await ingestService.stop();
      }
      if (!plan.skip.has('catchup')) {
        await timed(full, 'catch-up: InteractionProjector from 0 to live', () => catchupPhase(full, databaseUrl, plan.profile ? profileDir : null));
        if (!plan.skip.has('queries')) {
          const queryService = await startLedgerService(serviceOptions);
          ctx.cpu.servicePid = queryService.pid;
          try {
            await timed(full, 'queries over the read models', () => queryPhase(full, queryService, databaseUrl));
          } finally {
            await queryService.stop();
          }
        }
      }
    }
  } finally {
    await server.stop();
  }

  const all = withRatios(figures);
  for (const name of FIGURE_NAMES) {
    if (all[name] === undefined || all[name] === null) {
      all[name] = null;
      ctx.reasons[name] ??= 'not measured (its phase, or one it needs, was skipped)';
    }
  }
  const totalS = round((Date.now() - started) / 1000, 1);
  process.stdout.write(`\nInteraction Ledger bench — ${plan.mode} mode, ${os.cpus().length} CPUs, Node ${process.version}, PostgreSQL ${pgVersion}, ${totalS} s\n\n`);
  if (loadAtStart > 0.5 || Object.values(ctx.phaseLoad).some((load) => load > os.cpus().length)) {
    process.stdout.write(`Other work was running (1-min load average ${loadAtStart} at start, up to ${Math.max(...Object.values(ctx.phaseLoad))} at phase ends): figures are pessimistic.\n\n`);
  }
  process.stdout.write(`${renderTable(all, ctx.reasons)}\n`);
  for (const note of ctx.notes) process.stdout.write(`  note: ${note}\n`);
  process.stdout.write(`\n${renderCpuTable(ctx.phaseCpu)}\n`);
  const json = {
    ...all,
    targets_met: targetsMet(all),
    null_reasons: ctx.reasons,
    runs: ctx.runs,
    notes: ctx.notes,
    meta: {
      mode: plan.mode,
      seed: WORKLOAD_SEED,
      reps: plan.reps,
      workload_events: plan.workloadEvents,
      append_events_per_run: plan.appendEvents,
      batch_size: plan.batchSize,
      ingest_connections: plan.ingestConnections,
      single_connections: plan.singleConnections,
      query_connections: 50,
      query_duration_s: plan.queryDurationS,
      cpus: os.cpus().length,
      node: process.version,
      postgres: pgVersion,
      database: process.env.DATABASE_URL ? 'external (DATABASE_URL)' : 'embedded',
      event_store: describeTarget(store),
      emmett: plan.skip.has('peer') || plan.skip.has('append') ? null : emmettSource(),
      phase_seconds: ctx.phaseSeconds,
      load_average_at_start: loadAtStart,
      load_average_at_phase_end: ctx.phaseLoad,
      cpu_cores_by_phase: ctx.phaseCpu,
      total_seconds: totalS,
    },
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
