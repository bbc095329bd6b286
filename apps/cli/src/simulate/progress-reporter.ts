import { Presets, SingleBar } from 'cli-progress';
import { progressEnabled } from '../common/progress-bar';
import type { SendProgress } from './send-traffic';

export interface ProgressReporter {
  update(progress: SendProgress): void;
  stop(): void;
}

/** A live bar on an interactive terminal (stderr, so stdout stays clean JSON); nothing in CI or when piped. */
export function createProgressReporter(total: number, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!progressEnabled(stream)) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    {
      stream,
      format:
        'simulate |{bar}| {percentage}% | {value}/{total} events | {rate} ev/s | ETA {eta_formatted} | ' +
        'accepted {accepted} dup {duplicates} rejected {rejected} errors {httpErrors}',
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  const startedAt = performance.now();
  const payload = (progress?: SendProgress): Record<string, number> => {
    const elapsedS = (performance.now() - startedAt) / 1000;
    return {
      rate: progress && elapsedS > 0 ? Math.round(progress.done / elapsedS) : 0,
      accepted: progress?.totals.accepted ?? 0,
      duplicates: progress?.totals.duplicates ?? 0,
      rejected: progress?.totals.rejected ?? 0,
      httpErrors: progress?.totals.httpErrors ?? 0,
    };
  };
  bar.start(total, 0, payload());
  return {
    update: (progress) => bar.update(progress.done, payload(progress)),
    stop: () => bar.stop(),
  };
}
