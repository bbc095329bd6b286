import type { AppendRequest } from '@ledger/event-store';
import { elapsedMs } from './stats';
import type { ThroughputRun } from './append-bench';

/** The slice of Emmett's PostgreSQL event store the bench uses (typed here: the package may be absent). */
interface EmmettEventStore {
  appendToStream(streamName: string, events: { type: string; data: unknown; metadata?: Record<string, unknown> }[]): Promise<unknown>;
  close(): Promise<void>;
}
interface EmmettPostgresModule {
  getPostgreSQLEventStore(connectionString: string): EmmettEventStore;
}

export const EMMETT_PACKAGE = '@event-driven-io/emmett-postgresql';

/** Emmett's package, or why it cannot be loaded. BENCH_EMMETT_MODULE may point at an install outside the project. */
export function loadEmmett(): EmmettPostgresModule | { unavailable: string } {
  const specifier = process.env.BENCH_EMMETT_MODULE ?? EMMETT_PACKAGE;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(specifier) as Partial<EmmettPostgresModule>;
    if (typeof loaded.getPostgreSQLEventStore !== 'function') return { unavailable: `${specifier} has no getPostgreSQLEventStore` };
    return loaded as EmmettPostgresModule;
  } catch (error) {
    return {
      unavailable:
        `${specifier} could not be loaded: it is a devDependency, so run \`npm ci\` (a production install leaves it ` +
        `out) or point BENCH_EMMETT_MODULE at an install (${(error as Error).message.split('\n')[0]})`,
    };
  }
}

/** Where Emmett was loaded from, and its version, for the record. */
export function emmettSource(): { module: string; version: string | null } | null {
  const specifier = process.env.BENCH_EMMETT_MODULE ?? EMMETT_PACKAGE;
  try {
    const main = require.resolve(specifier);
    const manifest = main.slice(0, main.lastIndexOf('emmett-postgresql') + 'emmett-postgresql'.length) + '/package.json';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { module: specifier, version: (require(manifest) as { version?: string }).version ?? null };
  } catch {
    return null;
  }
}

/**
 * The append workload through Emmett: the same batches of 100, each stream of a batch one `appendToStream` (Emmett
 * appends one stream per call), `writers` batches in flight. Emmett creates its schema on first use: done untimed.
 */
export async function appendThroughEmmett(
  emmett: EmmettPostgresModule,
  databaseUrl: string,
  batches: readonly AppendRequest[][],
  writers: number,
): Promise<ThroughputRun> {
  const store = emmett.getPostgreSQLEventStore(databaseUrl);
  try {
    await store.appendToStream('bench-warm-up', [{ type: 'WarmedUp', data: {} }]);
    const events = batches.reduce((sum, batch) => sum + batch.reduce((n, request) => n + request.events.length, 0), 0);
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < batches.length) {
          const batch = batches[next++] as AppendRequest[];
          for (const request of batch) {
            await store.appendToStream(
              request.streamId,
              request.events.map((event) => ({ type: event.eventType, data: event.data, metadata: event.metadata as Record<string, unknown> })),
            );
          }
        }
      }),
    );
    const ms = elapsedMs(started);
    return { events, ms, eps: (events / ms) * 1000 };
  } finally {
    await store.close();
  }
}
