import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startProdNodeFlags } from './start-prod-flags';

/** The ledger as its own process (the transpiled apps/ledger main.ts), so its RSS and CPU are its own. */
export interface LedgerService {
  readonly url: string;
  readonly pid: number;
  /** Resident set size now, MiB. */
  rssMb(): number | null;
  /** Peak resident set size since start (VmHWM), MiB. */
  peakRssMb(): number | null;
  stop(): Promise<void>;
}

export interface LedgerServiceOptions {
  databaseUrl: string;
  /** The service's EVENTSTORE_URL: unset, its events go to the PostgreSQL store in `databaseUrl`. */
  eventStoreUrl?: string;
  /** `--cpu-prof` the service; the profile lands in this folder when it stops. */
  cpuProfileDir?: string;
}

const MAIN = path.resolve(__dirname, '../../apps/ledger/src/main.js');
const QUERY_TIMER = path.resolve(__dirname, 'pg-query-timer.js');

/**
 * The Node flags `npm run start:prod` (and the Dockerfile) give the service: the bench runs the service, and the
 * catch-up's projector process, as a deployment would.
 */
export function serviceNodeFlags(): string[] {
  return startProdNodeFlags(path.resolve(__dirname, '../../../../package.json'));
}

export async function startLedgerService(options: LedgerServiceOptions): Promise<LedgerService> {
  const env: Record<string, string> = {};
  // The store is the caller's choice (options.eventStoreUrl), never whatever EVENTSTORE_URL this process inherited.
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'NODE_OPTIONS' && key !== 'EVENTSTORE_URL') env[key] = value;
  }
  Object.assign(env, { DATABASE_URL: options.databaseUrl, LEDGER_ROLES: 'api', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  if (options.eventStoreUrl) env.EVENTSTORE_URL = options.eventStoreUrl;
  const nodeArgs = [...serviceNodeFlags(), ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, '--require', QUERY_TIMER] : [])];
  if (options.cpuProfileDir) env.BENCH_QUERY_TIMER = 'service';
  const child = spawn(process.execPath, [...nodeArgs, MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await waitUntilListening(child);
  const pid = child.pid as number;
  return {
    url,
    pid,
    rssMb: () => statusKb(pid, 'VmRSS'),
    peakRssMb: () => statusKb(pid, 'VmHWM'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitUntilListening(child: ChildProcess): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ledger did not start within 60 s:\n${output.slice(-4000)}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`the ledger exited (${code}) before listening:\n${output.slice(-4000)}`)));
    // The service writes to stderr only when it fails, and the SQL timing report of `--profile` as it exits.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
      process.stderr.write(chunk);
    });
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (output.length < 100_000) output += `${line}\n`;
        // Only warnings and errors are worth showing once it runs.
        if (!line.includes('"level":')) continue;
        if (line.includes('interaction ledger listening')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url: string }).url);
        } else if (/"level":(40|50|60)/.test(line)) {
          reportProblem(line);
        }
      }
    });
  });
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : null;
  } catch {
    return null; // not Linux, or the process is gone
  }
}

const problemsSeen = new Map<string, number>();

/** A warning or error of the service, once per distinct message (a saturated ingest logs one per request). */
function reportProblem(line: string): void {
  let message = line.slice(0, 300);
  try {
    const record = JSON.parse(line) as { msg?: string; err?: { message?: string }; res?: { statusCode?: number } };
    message = `${record.msg ?? ''}${record.err?.message ? `: ${record.err.message}` : ''}${record.res?.statusCode ? ` (${record.res.statusCode})` : ''}`;
  } catch {
    // not JSON: shown as it is
  }
  const seen = (problemsSeen.get(message) ?? 0) + 1;
  problemsSeen.set(message, seen);
  if (seen === 1 || seen === 10 || seen === 100 || seen === 1000) process.stderr.write(`  [ledger] ${seen > 1 ? `(×${seen}) ` : ''}${message.slice(0, 500)}\n`);
}
