import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startProdNodeFlags } from '../../bench/src/start-prod-flags';

export const BUILT_LEDGER = path.resolve(__dirname, '../../dist/apps/ledger/apps/ledger/src/main.js');

export interface LedgerProcess {
  readonly url: string;
  /** The database the process uses (the embedded server's URL when it started one). */
  readonly databaseUrl: string | null;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGKILL: the Node process only, or its whole process group (embedded PostgreSQL included). */
  kill9(scope: 'node' | 'group'): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Runs the built service (`npm run build`) as a user would, in its own process group. */
export async function startLedgerProcess(env: Record<string, string | undefined>): Promise<LedgerProcess> {
  if (!existsSync(BUILT_LEDGER)) throw new Error(`${BUILT_LEDGER} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [...startProdNodeFlags(path.resolve(__dirname, '../../package.json')), BUILT_LEDGER], {
    env: { ...cleanEnv(), PORT: '0', LOG_LEVEL: 'info', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<{ url: string; database: string }>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.includes('interaction ledger listening')) continue;
        const record = JSON.parse(line) as { url: string; database: string };
        resolve(record);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`ledger exited with ${code} before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`ledger did not start within 60 s:\n${output}`)), 60_000).unref();
  });
  const { url, database } = await listening;
  return {
    url,
    databaseUrl: database.startsWith('postgres://') ? database : (env.DATABASE_URL ?? null),
    child,
    output: () => output,
    async kill9(scope) {
      if (child.pid === undefined) return;
      const running = child.exitCode === null && child.signalCode === null;
      try {
        // The group may outlive the Node process (its embedded PostgreSQL), so it is killed even after an exit.
        if (running || scope === 'group') process.kill(scope === 'group' ? -child.pid : child.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      await exited;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The test runner's own settings must not leak into the service under test. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('VITEST') || key === 'DATABASE_URL' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}
