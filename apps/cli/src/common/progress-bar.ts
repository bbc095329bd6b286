import { Presets, SingleBar } from 'cli-progress';

/** Bars are for people: drawn only on an interactive terminal, never in CI (`CI` set to anything but false/0). */
export function progressEnabled(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env['CI'];
  const inCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  return stream.isTTY === true && !inCi;
}

export interface ProgressBar {
  start(total: number, payload?: Record<string, string | number>): void;
  update(value: number, payload?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

const SILENT: ProgressBar = { start: () => undefined, update: () => undefined, setTotal: () => undefined, stop: () => undefined };

/** A bar on stderr (stdout stays clean for JSON), or a silent one when bars are off. */
export function createProgressBar(format: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!progressEnabled(stream)) return SILENT;
  const bar = new SingleBar({ stream, format, hideCursor: true, etaBuffer: 50 }, Presets.shades_classic);
  let started = false;
  return {
    start: (total, payload) => {
      started = true;
      bar.start(total, 0, payload);
    },
    update: (value, payload) => bar.update(value, payload),
    setTotal: (total) => bar.setTotal(total),
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
