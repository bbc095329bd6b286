import { randomInt } from 'node:crypto';
import { Command, CommandRunner, Option } from 'nest-commander';
import {
  generateConversations,
  generateTraffic,
  type GeneratedTraffic,
  type GenerateTrafficOptions,
} from './generate-traffic';
import { createProgressReporter } from './progress-reporter';
import type { SimulatedConversation } from './simulate-conversation';
import { parseSimulateOptions, type SimulateOptions } from './simulate-options';
import { sendTraffic, type SendTotals } from './send-traffic';

/** Leaves a minute between the last simulated event and now, so nothing arrives dated in the future. */
const END_MARGIN_MS = 60_000;

@Command({
  name: 'simulate',
  description: 'Generate seeded, realistic Genesys Cloud EventBridge traffic and post it to a ledger',
})
export class SimulateCommand extends CommandRunner {
  async run(_params: string[], raw: Record<string, unknown> = {}): Promise<void> {
    const parsed = parseSimulateOptions(raw, randomInt(0, 2 ** 32));
    if (!parsed.ok) {
      process.stderr.write(`simulate: ${parsed.message}\n`);
      process.exitCode = 2;
      return;
    }
    const options = parsed.options;
    const traffic = generate(options, Date.now());
    const events = traffic.conversations.reduce((sum, conversation) => sum + conversation.events.length, 0);
    const summary = {
      seed: options.seed,
      url: options.url,
      conversations: traffic.conversations.length,
      answered: traffic.conversations.filter((conversation) => conversation.outcome === 'answered').length,
      abandoned: traffic.conversations.filter((conversation) => conversation.outcome === 'abandoned').length,
      transferred: traffic.conversations.filter((conversation) => conversation.transferred).length,
      events,
      deliveries: traffic.deliveries.length,
      ...timeSpan(traffic),
    };
    if (options.dryRun) {
      process.stdout.write(`${JSON.stringify({ ...summary, dryRun: true }, null, 2)}\n`);
      return;
    }

    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    const progress = createProgressReporter(traffic.deliveries.length);
    const startedAt = performance.now();
    let totals: SendTotals | undefined;
    try {
      totals = await sendTraffic(traffic.deliveries, {
        url: options.url,
        batchSize: options.batchSize,
        concurrency: options.concurrency,
        rate: options.rate,
        headers: options.headers,
        signal: abort.signal,
        onProgress: (update) => progress.update(update),
      });
    } catch (error: unknown) {
      if (!abort.signal.aborted) throw error;
    } finally {
      progress.stop();
      process.off('SIGINT', onSignal);
    }
    const elapsedMs = Math.round(performance.now() - startedAt);
    if (totals === undefined) {
      process.stderr.write('simulate: interrupted\n');
      process.exitCode = 130;
      return;
    }
    const { errors, ...counts } = totals;
    process.stderr.write(
      `simulate: ${totals.sent} events in ${(elapsedMs / 1000).toFixed(1)} s — accepted ${totals.accepted}, ` +
        `duplicates ${totals.duplicates}, filtered ${totals.filtered}, rejected ${totals.rejected}, ` +
        `HTTP errors ${totals.httpErrors} (${totals.retries} retries)\n`,
    );
    const eventsPerSecond = elapsedMs > 0 ? Math.round((totals.sent / elapsedMs) * 1000) : totals.sent;
    process.stdout.write(`${JSON.stringify({ ...summary, ...counts, elapsedMs, eventsPerSecond, errors }, null, 2)}\n`);
    if (totals.httpErrors > 0) process.exitCode = 1;
  }

  @Option({ flags: '-n, --conversations <count>', description: 'conversations to simulate', defaultValue: 100 })
  parseConversations(value: string): string {
    return value;
  }

  @Option({
    flags: '-r, --rate <eventsPerSecond>',
    description: 'pace sending; 0 = as fast as possible',
    defaultValue: 0,
  })
  parseRate(value: string): string {
    return value;
  }

  @Option({ flags: '-u, --url <url>', description: 'ledger base URL', defaultValue: 'http://127.0.0.1:3000' })
  parseUrl(value: string): string {
    return value;
  }

  @Option({ flags: '-s, --seed <seed>', description: 'PRNG seed (unsigned 32-bit); random when absent, printed' })
  parseSeed(value: string): string {
    return value;
  }

  @Option({ flags: '-b, --batch-size <count>', description: 'events per request', defaultValue: 50 })
  parseBatchSize(value: string): string {
    return value;
  }

  @Option({ flags: '-c, --concurrency <count>', description: 'requests in flight', defaultValue: 4 })
  parseConcurrency(value: string): string {
    return value;
  }

  @Option({ flags: '--start <iso>', description: 'first arrival time (default: traffic ends a minute ago)' })
  parseStart(value: string): string {
    return value;
  }

  @Option({ flags: '--target-events <count>', description: 'pad conversations to about this many events' })
  parseTargetEvents(value: string): string {
    return value;
  }

  @Option({ flags: '--duplicate-rate <share>', description: 'share of events delivered twice (0..1)' })
  parseDuplicateRate(value: string): string {
    return value;
  }

  @Option({ flags: '--reorder-rate <share>', description: 'share of events delivered late (0..1)' })
  parseReorderRate(value: string): string {
    return value;
  }

  @Option({ flags: '--queues <count>', description: 'queues in the simulated org' })
  parseQueues(value: string): string {
    return value;
  }

  @Option({ flags: '--agents <count>', description: 'agents in the simulated org' })
  parseAgents(value: string): string {
    return value;
  }

  @Option({ flags: '--mean-gap-ms <ms>', description: 'mean time between customer arrivals' })
  parseMeanGapMs(value: string): string {
    return value;
  }

  @Option({ flags: '-H, --header <name:value>', description: 'extra request header (repeatable)' })
  parseHeader(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '--dry-run', description: 'generate and summarise without sending' })
  parseDryRun(): boolean {
    return true;
  }
}

function generate(options: SimulateOptions, nowMs: number): GeneratedTraffic {
  const settings: Omit<GenerateTrafficOptions, 'startTime'> = {
    seed: options.seed,
    conversations: options.conversations,
    queues: options.queues,
    agents: options.agents,
    meanGapMs: options.meanGapMs,
    duplicateRate: options.duplicateRate,
    reorderRate: options.reorderRate,
    targetEventsPerConversation: options.targetEvents,
  };
  if (options.start !== undefined) return generateTraffic({ ...settings, startTime: options.start });
  // Generation is pure and shift-invariant: measure the span once, then place it to end just before now.
  const spanMs = timeSpanMs(generateConversations({ ...settings, startTime: new Date(0) }));
  return generateTraffic({ ...settings, startTime: new Date(nowMs - spanMs - END_MARGIN_MS) });
}

function timeSpanMs(conversations: readonly SimulatedConversation[]): number {
  return conversations.reduce((latest, conversation) => {
    const last = conversation.events[conversation.events.length - 1];
    return Math.max(latest, last?.eventBody.eventTime ?? 0);
  }, 0);
}

function timeSpan(traffic: GeneratedTraffic): { firstEventAt?: string; lastEventAt?: string } {
  const first = traffic.conversations[0]?.events[0];
  if (first === undefined) return {};
  return {
    firstEventAt: new Date(first.eventBody.eventTime).toISOString(),
    lastEventAt: new Date(timeSpanMs(traffic.conversations)).toISOString(),
  };
}
