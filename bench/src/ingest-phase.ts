import { Client } from 'pg';
import { gc, log, record, settle, type Context } from './context';
import { interactionHead } from './event-store-target';
import { runUndiciLoad, timeSequential } from './http-load';
import type { LedgerService } from './ledger-service';
import { loadGets } from './query-bench';
import { round } from './stats';
import { ingestBodies } from './workload';

const INGEST_PATH = '/v1/ingest/genesys';

/** The workload through POST /v1/ingest/genesys, batched then one event per request; RSS sampled throughout. */
export async function ingestPhase(ctx: Context, service: LedgerService, databaseUrl: string): Promise<void> {
  const { plan, workload } = ctx;
  await writeOutEarlierPhases(databaseUrl);
  let peakSampled = service.rssMb() ?? 0;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, service.rssMb() ?? 0)), 100);
  const post = (bodies: readonly (Buffer | string)[], connections: number) =>
    runUndiciLoad({
      url: service.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      expectStatus: 202,
      connections,
      amount: bodies.length,
      next: (index) => ({ path: INGEST_PATH, body: bodies[index] as Buffer | string }),
    });
  try {
    const subject = await post([JSON.stringify(workload.replaySubject.deliveries)], 1);
    if (subject.failures > 0) throw new Error(`posting the replay subject failed: ${JSON.stringify(subject.statusCodes)}`);

    let failedRequests = 0;
    const { batchedRuns, singleRuns } = requestBodies(ctx);
    // The load client shares the two cores with the service and PostgreSQL. Holding the million delivery objects
    // through the timed runs had every major collection of this process mark them all: 0.12-0.21 cores of the
    // bench's own, and pauses counted into the latencies it measures. The bodies are Buffers, outside the heap.
    workload.deliveries = [];
    gc();
    for (const [run, { events, bodies }] of batchedRuns.entries()) {
      const cpuBefore = ctx.cpu.snapshot();
      const result = await post(bodies, plan.ingestConnections);
      const cpu = ctx.cpu.split(cpuBefore, ctx.cpu.snapshot());
      if (result.failures > 0) ctx.notes.push(`ingest run ${run + 1}: ${result.failures} request(s) not answered 202: ${JSON.stringify(result.statusCodes)}`);
      failedRequests += result.failures;
      // Only acknowledged events count: a request answered 503 stored nothing.
      const acknowledged = events * ((result.requests - result.failures) / Math.max(1, result.requests));
      const eps = (acknowledged / result.wallMs) * 1000;
      record(ctx, 'ingest_eps', eps);
      record(ctx, 'ingest_batch_p99_ms', result.p99Ms);
      log(`  batched run ${run + 1}: ${events} events in ${bodies.length} requests, ${Math.round(eps)} events/s, p99 ${result.p99Ms} ms, RSS ${Math.round(peakSampled)} MiB${cpu ? `, cores: bench ${cpu.bench}, service ${cpu.service}, postgres ${cpu.postgres}, other ${cpu.other}, idle ${cpu.idle}` : ''}`);
    }
    // The batched bodies (~1 GB at full size) go before the one-event runs are timed.
    batchedRuns.length = 0;
    gc();
    for (const [rep, bodies] of singleRuns.entries()) {
      const result = await post(bodies, plan.singleConnections);
      if (result.failures > 0) ctx.notes.push(`single-event run ${rep + 1}: ${result.failures} request(s) not answered 202: ${JSON.stringify(result.statusCodes)}`);
      failedRequests += result.failures;
      record(ctx, 'ingest_single_rps', result.rps);
      record(ctx, 'ingest_single_p99_ms', result.p99Ms);
      log(`  single-event run ${rep + 1}: ${bodies.length} requests, ${Math.round(result.rps)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
    }
    ctx.figures.ingest_failed_requests = failedRequests;
  } finally {
    clearInterval(sampler);
  }
  const peak = Math.max(peakSampled, service.peakRssMb() ?? 0);
  ctx.figures.rss_peak_mb = peak > 0 ? round(peak, 0) : null;
  if (peak === 0) ctx.reasons.rss_peak_mb = 'no /proc/<pid>/status on this system';
  settle(ctx, 'ingest_eps');
  settle(ctx, 'ingest_batch_p99_ms', 1);
  settle(ctx, 'ingest_single_rps');
  settle(ctx, 'ingest_single_p99_ms', 1);
  // The simulator occasionally emits two identical events (same topic and body): the ledger keeps them as one fact.
  const head = await interactionHead(ctx.store, databaseUrl);
  ctx.head = head;
  const simulated = workload.events + workload.replaySubject.events;
  ctx.figures.ingest_events_stored = head.events;
  ctx.figures.workload_events_simulated = simulated;
  if (Math.abs(head.events - simulated) > simulated * 0.001) {
    ctx.notes.push(`the store holds ${head.events} interaction events after ingest; the simulator made ${simulated}`);
  }
}

/**
 * Every request body of the timed runs: the workload's deliveries minus the one-event part, in `ingestRuns`
 * consecutive runs of `batchSize`-event arrays, then `reps` runs of one delivery a request.
 */
function requestBodies(ctx: Context): { batchedRuns: { events: number; bodies: Buffer[] }[]; singleRuns: Buffer[][] } {
  const { plan, workload } = ctx;
  const singles = plan.reps * plan.singleRequestsPerRun;
  const batched = workload.deliveries.slice(0, workload.deliveries.length - singles);
  const perRun = Math.ceil(batched.length / plan.ingestRuns);
  const batchedRuns = Array.from({ length: plan.ingestRuns }, (_, run) => {
    const part = batched.slice(run * perRun, (run + 1) * perRun);
    return { events: part.length, bodies: ingestBodies(part, plan.batchSize) };
  });
  const single = workload.deliveries.slice(workload.deliveries.length - singles);
  const singleRuns = Array.from({ length: plan.reps }, (_, rep) =>
    single.slice(rep * plan.singleRequestsPerRun, (rep + 1) * plan.singleRequestsPerRun).map((delivery) => Buffer.from(JSON.stringify(delivery))),
  );
  return { batchedRuns, singleRuns };
}

/**
 * The append phase's writes (1–2 GB of WAL, its scratch databases' dirty pages) written out before ingest is timed,
 * as catch-up and queries each start from a checkpoint: otherwise ingest paid for that checkpoint (one full run:
 * 22,500, 18,500, 18,900 events/s over its three runs; without the append phase before it, 24,300, 23,100, 23,500).
 */
async function writeOutEarlierPhases(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CHECKPOINT').catch((error: Error) => log(`  CHECKPOINT refused (${error.message}): ingest may share the disk with one`));
  } finally {
    await client.end();
  }
}

/** HTTP floor of the same process: GET /health/live (no database), loaded and sequential. */
export async function floorPhase(ctx: Context, service: LedgerService): Promise<void> {
  for (let rep = 0; rep < ctx.plan.reps; rep++) {
    const loaded = await loadGets(service.url, ['/health/live'], ctx.plan.queryDurationS);
    record(ctx, 'http_floor_rps', loaded.rps);
    record(ctx, 'http_floor_p99_ms', loaded.p99Ms);
    const sequential = await timeSequential(service.url, Array.from({ length: ctx.plan.sequentialSamples }, () => '/health/live'));
    record(ctx, 'http_floor_sequential_p50_ms', sequential.p50Ms ?? 0);
  }
  settle(ctx, 'http_floor_rps');
  settle(ctx, 'http_floor_p99_ms', 1);
  settle(ctx, 'http_floor_sequential_p50_ms', 2);
  log(`  GET /health/live: ${ctx.figures.http_floor_rps} req/s, p99 ${ctx.figures.http_floor_p99_ms} ms; sequential p50 ${ctx.figures.http_floor_sequential_p50_ms} ms`);
}
