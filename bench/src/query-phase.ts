import { log, record, settle, type Context } from './context';
import { runLoad, timeSequential, type LoadResult } from './http-load';
import type { LedgerService } from './ledger-service';
import { endpointProblem, loadGets, loadQueryFixtures } from './query-bench';
import { sequentialPages } from './sequential-pages';

export async function queryPhase(ctx: Context, service: LedgerService, databaseUrl: string): Promise<void> {
  const { plan, workload } = ctx;
  const fixtures = await loadQueryFixtures(databaseUrl, 1000, plan.queryInteractions);
  ctx.figures.query_interactions = fixtures.interactions;
  const url = service.url;

  const byId = fixtures.ids.map((id) => `/v1/interactions/${id}`);
  const byIdProblem = byId[0] ? await endpointProblem(url, byId[0]) : 'the read models hold no interaction';
  if (byIdProblem) ctx.reasons.query_by_id_rps = ctx.reasons.query_by_id_p99_ms = byIdProblem;
  const list = fixtures.queueIds.map((queueId) => `/v1/interactions?queueId=${encodeURIComponent(queueId)}&limit=50`);
  const listProblem = list[0]
    ? await endpointProblem(url, list[0], (body) => (itemCount(body) === 50 ? null : `${list[0]} returned ${itemCount(body)} items, not 50`))
    : 'no queue ids in the read models';
  if (listProblem) ctx.reasons.query_list_rps = ctx.reasons.query_list_p99_ms = listProblem;
  // A fresh process: let the JIT and the connection pools warm up before anything is recorded.
  const warmUp = async (paths: string[], amount: number): Promise<void> => {
    await runLoad({ url, connections: 10, amount, expectStatus: 200, next: (i) => ({ path: paths[i % paths.length] as string }) });
  };
  if (!byIdProblem) await warmUp(byId, plan.warmUpRequests);
  if (!listProblem) await warmUp(list, plan.warmUpRequests / 5);
  for (let rep = 1; rep <= plan.reps; rep++) {
    if (!byIdProblem) {
      const result = await loadGets(url, byId, plan.queryDurationS);
      record(ctx, 'query_by_id_rps', result.rps);
      record(ctx, 'query_by_id_p99_ms', result.p99Ms);
      log(`  rep ${rep} GET /v1/interactions/{id}: ${describe(ctx, 'GET /v1/interactions/{id}', result)}`);
    }
    if (!listProblem) {
      const result = await loadGets(url, list, plan.queryDurationS);
      record(ctx, 'query_list_rps', result.rps);
      record(ctx, 'query_list_p99_ms', result.p99Ms);
      log(`  rep ${rep} GET /v1/interactions?queueId=…&limit=50: ${describe(ctx, 'GET /v1/interactions?queueId=', result)}`);
    }
  }
  settle(ctx, 'query_by_id_rps');
  settle(ctx, 'query_by_id_p99_ms', 1);
  settle(ctx, 'query_list_rps');
  settle(ctx, 'query_list_p99_ms', 1);

  const subject = workload.replaySubject;
  ctx.figures.replay_events = subject.events;
  const replayPath = `/v1/interactions/${subject.conversationId}/state`;
  const replayProblem = await endpointProblem(url, replayPath, (body) => {
    const applied = (body as { eventsApplied?: unknown }).eventsApplied;
    return applied === subject.events ? null : `${replayPath} applied ${String(applied)} events, expected ${subject.events}`;
  });
  if (replayProblem) ctx.reasons.replay_p50_ms = ctx.reasons.replay_p99_ms = replayProblem;

  const activeAt = fixtures.activeAt;
  ctx.figures.active_at_interactions = activeAt?.active ?? null;
  const activePath = activeAt ? `/v1/interactions?activeAt=${encodeURIComponent(activeAt.at)}&limit=500` : null;
  const activeProblem = activePath
    ? await endpointProblem(url, activePath, (body) => {
        const expected = Math.min(500, activeAt?.active ?? 0);
        return itemCount(body) === expected ? null : `${activePath} returned ${itemCount(body)} items, expected ${expected}`;
      })
    : 'no interaction has a start time';
  if (activeProblem) ctx.reasons.active_at_p50_ms = ctx.reasons.active_at_all_p50_ms = activeProblem;

  for (let rep = 1; rep <= plan.reps; rep++) {
    if (!replayProblem) {
      const result = await timeSequential(url, Array.from({ length: plan.sequentialSamples }, () => replayPath));
      record(ctx, 'replay_p50_ms', result.p50Ms ?? 0);
      record(ctx, 'replay_p99_ms', result.p99Ms ?? 0);
      log(`  rep ${rep} replay of a ${subject.events}-event interaction: p50 ${result.p50Ms?.toFixed(2)} ms, p99 ${result.p99Ms?.toFixed(2)} ms`);
    }
    if (!activeProblem && activePath) {
      const first = await timeSequential(url, Array.from({ length: plan.activeAtSamples }, () => activePath));
      record(ctx, 'active_at_p50_ms', first.p50Ms ?? 0);
      const all = await sequentialPages(url, activePath, plan.activeAtWalks);
      record(ctx, 'active_at_all_p50_ms', all.p50Ms ?? 0);
      if (all.items !== activeAt?.active) ctx.notes.push(`paging ?activeAt= returned ${all.items} interactions, ${activeAt?.active} are active`);
      log(`  rep ${rep} ?activeAt= (${activeAt?.active} active): first 500 p50 ${first.p50Ms?.toFixed(1)} ms, all ${all.items} p50 ${all.p50Ms?.toFixed(1)} ms`);
    }
  }
  settle(ctx, 'replay_p50_ms', 2);
  settle(ctx, 'replay_p99_ms', 2);
  settle(ctx, 'active_at_p50_ms', 1);
  settle(ctx, 'active_at_all_p50_ms', 1);
}

const itemCount = (body: unknown): number | 'no' => {
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items.length : 'no';
};

/** One line for the log; answers other than 200 also become a note (they are left out of req/s, not of p99). */
function describe(ctx: Context, endpoint: string, result: LoadResult): string {
  if (result.failures > 0) ctx.notes.push(`${endpoint}: ${result.failures} answer(s) not 200: ${JSON.stringify(result.statusCodes)}`);
  return `${Math.round(result.rps)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${result.failures ? `, ${result.failures} failures` : ''}`;
}
