// `npm run bench:catchup-variants -- --variant=shipped --variant='batch40k:PROJECTOR_BATCH_SIZE=40000' …`: one store
// filled once with the bench's workload, then forked catch-ups of it under each variant, variants alternating round by
// round (this machine drifts by a third within an hour, so only alternation makes them comparable).
import { parseArgs } from 'node:util';
import { runMigrations } from '@ledger/event-store';
import { LEDGER_MIGRATIONS } from '../../apps/ledger/src/database/ledger-migrations';
import { appendThroughPort } from './append-bench';
import { startBenchServer } from './bench-server';
import { catchUpInChild, settleStore, type CatchUpRun } from './catchup-bench';
import { parseCatchUpVariant } from './catchup-variant';
import { loadAverage, log } from './context';
import { eventStoreTarget, interactionHead } from './event-store-target';
import { serviceNodeFlags } from './ledger-service';
import { nodeFlagName } from './start-prod-flags';
import { median, round } from './stats';
import { appendBatches, buildWorkload, toCanonical, WORKLOAD_SEED } from './workload';

interface Sample {
  run: CatchUpRun;
  peakRssMb: number | null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '300000' },
      rounds: { type: 'string', default: '3' },
      variant: { type: 'string', multiple: true, default: ['shipped'] },
    },
    strict: true,
  });
  const events = positiveInteger('events', values.events);
  const rounds = positiveInteger('rounds', values.rounds);
  const variants = values.variant.map(parseCatchUpVariant);
  const duplicate = variants.find((variant, index) => variants.findIndex((other) => other.name === variant.name) !== index);
  if (duplicate) throw new Error(`--variant: the name ${duplicate.name} is given twice`);
  const shippedFlags = new Set(serviceNodeFlags().map(nodeFlagName));
  for (const variant of variants) {
    const unknown = variant.droppedFlags.filter((flag) => !shippedFlags.has(flag));
    if (unknown.length > 0) throw new Error(`--variant ${variant.name}: start:prod has no ${unknown.join(', ')} to leave out (it has ${[...shippedFlags].join(' ')})`);
  }
  if (eventStoreTarget().kind !== 'postgres') throw new Error('the catch-up variants run on the PostgreSQL store: unset EVENTSTORE_URL');

  const server = await startBenchServer(log);
  try {
    const databaseUrl = await server.createDatabase('catchup_variants');
    await runMigrations(databaseUrl, LEDGER_MIGRATIONS);
    log(`generating ${events.toLocaleString('en-US')} workload events (seed ${WORKLOAD_SEED}) and appending them`);
    const workload = buildWorkload(events);
    const fill = await appendThroughPort({ kind: 'postgres' }, databaseUrl, appendBatches(toCanonical(workload.deliveries), 400), 2, 'variants');
    log(`  ${fill.events} events appended at ${Math.round(fill.eps)} events/s`);
    await settleStore(databaseUrl);
    const head = await interactionHead({ kind: 'postgres' }, databaseUrl);
    const samples = new Map<string, Sample[]>(variants.map((variant) => [variant.name, []]));
    for (let roundIndex = 1; roundIndex <= rounds; roundIndex++) {
      for (const variant of variants) {
        const sample = await catchUpInChild(databaseUrl, head, null, variant);
        samples.get(variant.name)?.push(sample);
        log(
          `  round ${roundIndex} ${variant.name}: ${Math.round(sample.run.eps)} events/s, ${sample.run.cpuUsPerEvent.toFixed(1)} µs of CPU and ` +
            `${sample.run.faultsPerEvent.toFixed(2)} page faults an event, peak RSS ${sample.peakRssMb} MiB (load average ${loadAverage()})`,
        );
      }
    }
    report(head.events, samples);
  } finally {
    await server.stop();
  }
}

function report(events: number, samples: Map<string, Sample[]>): void {
  const rows = [...samples].map(([name, runs]) => ({
    name,
    eps: runs.map((sample) => Math.round(sample.run.eps)),
    medianEps: round(median(runs.map((sample) => sample.run.eps))),
    cpuUsPerEvent: round(median(runs.map((sample) => sample.run.cpuUsPerEvent)), 1),
    faultsPerEvent: round(median(runs.map((sample) => sample.run.faultsPerEvent)), 2),
    peakRssMb: round(median(runs.flatMap((sample) => (sample.peakRssMb === null ? [] : [sample.peakRssMb])))),
  }));
  const header = ['variant', 'events/s, round by round', 'median', 'CPU µs an event', 'faults an event', 'peak RSS MiB'];
  const cells = rows.map((row) => [row.name, row.eps.join(' / '), String(row.medianEps), String(row.cpuUsPerEvent), String(row.faultsPerEvent), String(row.peakRssMb)]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)));
  const line = (values: string[]): string => values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ');
  process.stdout.write(`\ncatch-up of ${events.toLocaleString('en-US')} events, medians over the rounds\n\n${line(header)}\n${line(widths.map((width) => '-'.repeat(width)))}\n`);
  for (const values of cells) process.stdout.write(`${line(values)}\n`);
  process.stdout.write(`${JSON.stringify({ catchupVariants: { events, variants: rows } })}\n`);
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
