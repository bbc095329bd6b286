import { randomBytes } from 'node:crypto';
import { appendThroughPort, copyInTransactions, copyIntoBareTable, copyPayload, type ThroughputRun } from './append-bench';
import { log, record, settle, type Context } from './context';
import { appendThroughEmmett, loadEmmett } from './peer-bench';
import { appendBatches, toCanonical } from './workload';

/**
 * append_eps (1 and 4 writers), copy_eps, the two COPY ceilings with a commit every batch (copy_tx100_eps into the bare
 * table, copy_store_tx100_eps into the store's keyed table) and emmett_append_eps: each repetition on fresh
 * databases. With EVENTSTORE_URL the port's appends go to EventStoreDB; COPY and Emmett stay PostgreSQL's.
 */
export async function appendPhase(ctx: Context): Promise<void> {
  const { plan, server } = ctx;
  const canonical = toCanonical(ctx.workload.deliveries.slice(0, plan.appendEvents));
  const batches = appendBatches(canonical, plan.batchSize);
  const payload = copyPayload(canonical);
  const payloadByBatch = copyPayload(canonical, plan.batchSize);
  const emmett = plan.skip.has('peer') ? { unavailable: 'skipped (--skip=peer)' } : loadEmmett();
  if ('unavailable' in emmett) ctx.reasons.emmett_append_eps = emmett.unavailable;
  const once = async (label: string, run: (url: string) => Promise<ThroughputRun>): Promise<ThroughputRun> => {
    const url = await server.createDatabase(label);
    try {
      return await run(url);
    } finally {
      await server.dropDatabase(url);
    }
  };
  // EventStoreDB keeps what earlier runs appended: this run's streams get names of their own (appendThroughPort).
  const runTag = randomBytes(4).toString('hex');
  for (let rep = 1; rep <= plan.reps; rep++) {
    const one = await once(`append1_${rep}`, (url) => appendThroughPort(ctx.store, url, batches, 1, `bench-${runTag}-append1-${rep}`));
    record(ctx, 'append_eps', one.eps);
    const four = await once(`append4_${rep}`, (url) => appendThroughPort(ctx.store, url, batches, 4, `bench-${runTag}-append4-${rep}`));
    record(ctx, 'append_eps_4_writers', four.eps);
    const copy = await once(`copy_${rep}`, (url) => copyIntoBareTable(url, payload));
    record(ctx, 'copy_eps', copy.eps);
    const bareByBatch = await once(`copytx_${rep}`, (url) => copyInTransactions(url, payloadByBatch, 'bare'));
    record(ctx, 'copy_tx100_eps', bareByBatch.eps);
    const storeByBatch = await once(`copystoretx_${rep}`, (url) => copyInTransactions(url, payloadByBatch, 'store'));
    record(ctx, 'copy_store_tx100_eps', storeByBatch.eps);
    let peer = '';
    if (!('unavailable' in emmett)) {
      const run = await once(`emmett_${rep}`, (url) => appendThroughEmmett(emmett, url, batches, 1));
      record(ctx, 'emmett_append_eps', run.eps);
      peer = `, emmett ${Math.round(run.eps)}/s`;
    }
    log(
      `  rep ${rep}: ${one.events} events, port ${Math.round(one.eps)}/s (4 writers ${Math.round(four.eps)}/s), COPY ${Math.round(copy.eps)}/s ` +
        `(a commit every ${plan.batchSize} rows: bare ${Math.round(bareByBatch.eps)}/s, store's table ${Math.round(storeByBatch.eps)}/s)${peer}`,
    );
  }
  for (const name of ['append_eps', 'append_eps_4_writers', 'copy_eps', 'copy_tx100_eps', 'copy_store_tx100_eps', 'emmett_append_eps']) settle(ctx, name);
}
