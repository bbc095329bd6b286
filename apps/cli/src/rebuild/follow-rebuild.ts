import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../common/cli-error';
import type { LedgerClient } from '../common/ledger-client';
import { createProgressBar } from '../common/progress-bar';
import { fetchProjections } from '../projections/fetch-projections';
import { describeRebuild, TERMINAL_REBUILD_PHASES, type ProjectionStatus, type RebuildStatus } from '../projections/projection-status';

export interface FollowOptions {
  name: string;
  /** What the POST answered: identifies the rebuild to follow (id, target version). */
  started: RebuildStatus | null;
  intervalMs: number;
  /** 0: no limit. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called on each poll when bars are off, so a log still shows progress. */
  onPoll?: (line: string) => void;
}

export interface FollowResult {
  version: number | null;
  rebuild: RebuildStatus | null;
}

/** Polls for the active version to catch up with a rebuild reported done. */
const MAX_SETTLE_POLLS = 10;

type Verdict = { state: 'running'; rebuild: RebuildStatus } | { state: 'done'; item: ProjectionStatus } | { state: 'failed'; message: string };

/**
 * Polls `GET /v1/admin/projections` until the rebuild has swapped the views in. Finished means the rebuild reports
 * phase `done`, or (a service that clears `rebuild` when it ends) the active version reached the target.
 */
export async function followRebuild(client: LedgerClient, options: FollowOptions): Promise<FollowResult> {
  const bar = createProgressBar(`rebuild ${options.name} |{bar}| {percentage}% | {value}/{total} events | {phase} | {rate} ev/s | ETA {etaText}`);
  let started = false;
  let settlePolls = 0;
  let target = options.started?.targetVersion ?? null;
  const id = options.started?.id ?? null;
  const deadline = options.timeoutMs > 0 ? Date.now() + options.timeoutMs : Infinity;
  try {
    for (;;) {
      const projections = await fetchProjections(client);
      const item = projections.items.find((candidate) => candidate.name === options.name);
      if (!item) throw new CliError(`projection ${options.name} is no longer listed by GET /v1/admin/projections`);
      const verdict = judge(item, id, target);
      if (verdict.state === 'done') {
        // The status can show the rebuild done a moment before the new active version (separate reads): poll again.
        const settling = target !== null && (verdict.item.version ?? 0) < target && settlePolls++ < MAX_SETTLE_POLLS;
        if (!settling) return { version: verdict.item.version ?? null, rebuild: verdict.item.rebuild ?? null };
        await sleep(Math.min(options.intervalMs, 200), undefined, { signal: options.signal });
        continue;
      }
      if (verdict.state === 'failed') throw new CliError(verdict.message);
      const rebuild = verdict.rebuild;
      target ??= rebuild.targetVersion ?? null;
      const total = Math.max(rebuild.eventsTotal ?? 0, rebuild.eventsDone ?? 0, 1);
      const payload = { phase: rebuild.phase ?? '?', rate: rebuild.eventsPerSecond ?? 0, etaText: rebuild.etaSeconds === null || rebuild.etaSeconds === undefined ? '?' : `${rebuild.etaSeconds}s` };
      if (!started) bar.start(total, payload);
      started = true;
      bar.setTotal(total);
      bar.update(rebuild.eventsDone ?? 0, payload);
      options.onPoll?.(describeRebuild(rebuild));
      if (Date.now() > deadline) throw new CliError(`the rebuild of ${options.name} is still ${rebuild.phase ?? 'running'} after the --timeout; it goes on in the service`);
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    }
  } finally {
    bar.stop();
  }
}

function judge(item: ProjectionStatus, id: string | null, target: number | null): Verdict {
  const rebuild = item.rebuild ?? null;
  const ours = rebuild !== null && (id === null || rebuild.id === null || rebuild.id === undefined || rebuild.id === id);
  if (rebuild && ours) {
    if (rebuild.phase === 'done') return { state: 'done', item };
    if (rebuild.phase && TERMINAL_REBUILD_PHASES.has(rebuild.phase)) {
      return { state: 'failed', message: `the rebuild of ${item.name} ended ${rebuild.phase}${rebuild.error ? `: ${rebuild.error}` : ''}` };
    }
    return { state: 'running', rebuild };
  }
  if (target === null || (item.version ?? 0) >= target) return { state: 'done', item };
  return { state: 'failed', message: `the rebuild of ${item.name} ended without switching to v${target} (active: v${item.version ?? '?'}); see the service log` };
}
