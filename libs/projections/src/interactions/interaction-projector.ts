import type { FoldExtension, InteractionState, UpcasterRegistry } from '@ledger/domain';
import { PostgresEventStore, type EventStore, type RecordedEvent } from '@ledger/event-store';
import { Pool, type PoolClient } from 'pg';
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import type { ProjectionTarget } from './apply-interaction-batch';
import { commitProjectionBatch, type CommittedBatch } from './commit-projection-batch';
import { isDatabaseError } from './dead-letters';
import { interactionTables } from './interaction-tables';
import { SingleWriterLock } from '../lifecycle/single-writer-lock';
import { INTERACTION_STREAM_PREFIX } from './interaction-rows';

export interface InteractionProjectorOptions {
  connectionString: string;
  /**
   * Most events per transaction while catching up. Default 10,000: the fewer batches, the fewer times each
   * conversation's state is read, re-written (9 indexes) and re-folded for a late event.
   */
  batchSize?: number;
  /** Answered within this wait counts toward the service level (Genesys default: 20 s). */
  serviceLevelMs?: number;
  /** Called after each commit with the conversations it changed (live updates). */
  onCommitted?: (changed: InteractionState[]) => void;
  onError?: (error: unknown) => void;
  /** Physical version to fill (tables `<name>__v<version>`, its own checkpoint). Default 1. */
  version?: number;
  upcasters?: UpcasterRegistry;
  /** The projection definition's fold extensions (none by default). */
  extensions?: readonly FoldExtension[];
}

export type ProjectorPhase = 'stopped' | 'standby' | 'catching-up' | 'live';

export interface ProjectorStatus {
  name: string;
  version: number;
  phase: ProjectorPhase;
  /** Checkpoint: the last `$all` position applied (events of other streams included). */
  position: string | null;
  eventsApplied: number;
  /** Events parked in dead_letters by this run. */
  eventsParked: number;
  eventsPerSecond: number;
  lastError: string | null;
}

export const INTERACTIONS_PROJECTION: ProjectionTarget = {
  name: 'interactions',
  version: 1,
  tables: interactionTables(1),
  serviceLevelMs: 20_000,
};

/** A batch is tried this many times (with backoff) before its failing events are parked. */
const BATCH_ATTEMPTS = 3;

/** Advisory-lock key: one projector instance writes at a time; others stand by. */
const SINGLE_WRITER_LOCK = 7244101;

/**
 * Follows `$all` (interaction streams only) and keeps the interaction read models, committing each batch and the
 * checkpoint in one transaction: after a crash it resumes exactly where the last commit left off.
 */
export class InteractionProjector {
  private readonly pool: Pool;
  private readonly target: ProjectionTarget;
  private running: Promise<void> | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private subscription: ReturnType<EventStore['subscribeToAll']> | null = null;
  private readonly lock: SingleWriterLock;
  private readonly retryPolicy = retry(handleAll, { maxAttempts: BATCH_ATTEMPTS - 1, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }) });
  private readonly state: ProjectorStatus;
  private readonly rate: { at: number; events: number }[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly options: InteractionProjectorOptions,
  ) {
    this.pool = new Pool({ connectionString: options.connectionString, max: 3 });
    this.pool.on('error', () => undefined);
    this.lock = new SingleWriterLock(this.pool, [SINGLE_WRITER_LOCK, options.version ?? INTERACTIONS_PROJECTION.version], (error) => {
      this.state.lastError = `single-writer lock lost: ${error instanceof Error ? error.message : String(error)}`;
      void this.subscription?.close();
    });
    const version = options.version ?? INTERACTIONS_PROJECTION.version;
    this.target = {
      ...INTERACTIONS_PROJECTION,
      version,
      tables: interactionTables(version),
      serviceLevelMs: options.serviceLevelMs ?? INTERACTIONS_PROJECTION.serviceLevelMs,
      ...(options.upcasters ? { upcasters: options.upcasters } : {}),
      ...(options.extensions ? { extensions: options.extensions } : {}),
    };
    const storeEventsTable = store instanceof PostgresEventStore ? store.eventsTableIn(options.connectionString) : null;
    if (storeEventsTable) this.target.storeEventsTable = storeEventsTable;
    this.state = { name: this.target.name, version: this.target.version, phase: 'stopped', position: null, eventsApplied: 0, eventsParked: 0, eventsPerSecond: 0, lastError: null };
  }

  status(): ProjectorStatus {
    const now = Date.now();
    const recent = this.rate.filter((sample) => now - sample.at < 10_000);
    const events = recent.reduce((sum, sample) => sum + sample.events, 0);
    const span = recent.length > 0 ? Math.max(1, now - (recent[0] as { at: number }).at) / 1000 : 1;
    return { ...this.state, eventsPerSecond: Math.round(events / span) };
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.runUntilStopped();
  }

  /** Idempotent: a second call waits for the first. */
  stop(): Promise<void> {
    this.stopping = true;
    this.stopped ??= (async () => {
      await this.subscription?.close();
      await this.running;
      this.running = null;
      this.lock.release();
      await this.pool.end();
    })();
    return this.stopped.then(() => {
      this.state.phase = 'stopped';
    });
  }


  private async runUntilStopped(): Promise<void> {
    while (!this.stopping) {
      try {
        this.state.phase = 'standby';
        if (!(await this.lock.acquire(() => this.stopping))) return;
        await this.follow();
      } catch (error) {
        if (this.stopping) return;
        this.state.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error);
        this.lock.release(true);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async follow(): Promise<void> {
    const checkpoint = await this.readCheckpoint();
    this.state.position = checkpoint?.toString() ?? null;
    this.state.phase = 'catching-up';
    const subscription = this.store.subscribeToAll({
      from: checkpoint ?? 'start',
      filter: { streamPrefixes: [INTERACTION_STREAM_PREFIX] },
      maxBatchSize: this.options.batchSize ?? 10_000,
    });
    this.subscription = subscription;
    for await (const message of subscription) {
      if (this.stopping) break;
      if (message.type === 'caughtUp') {
        if (this.state.phase === 'catching-up') await this.refreshPlannerStatistics();
        this.state.phase = 'live';
        continue;
      }
      await this.commitBatch(message.events);
    }
  }

  private async commitBatch(events: RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1];
    if (!last) return;
    let committed: CommittedBatch;
    try {
      committed = await this.retryPolicy.execute(() => this.inTransaction((client) => commitProjectionBatch(client, this.target, events, { isolate: false, attempts: 0 })));
    } catch (error) {
      if (isDatabaseError(error)) throw error;
      // The batch keeps failing in a handler: apply it conversation by conversation and park what throws.
      committed = await this.inTransaction((client) => commitProjectionBatch(client, this.target, events, { isolate: true, attempts: BATCH_ATTEMPTS }));
    }
    this.state.eventsApplied += committed.applied;
    this.state.eventsParked += committed.parked;
    this.rate.push({ at: Date.now(), events: events.length });
    if (this.rate.length > 200) this.rate.splice(0, this.rate.length - 200);
    this.state.position = last.position.toString();
    this.state.lastError = null;
    if (committed.changed.length > 0) this.options.onCommitted?.(committed.changed);
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** After a large catch-up the planner's row estimates are stale; queries would pick slow plans until autovacuum runs. */
  private async refreshPlannerStatistics(): Promise<void> {
    if (this.state.eventsApplied < 10_000) return;
    await this.pool.query(`ANALYZE ${Object.values(this.target.tables).join(', ')}`);
  }

  private async readCheckpoint(): Promise<bigint | null> {
    const result = await this.pool.query<{ position: string }>(
      'SELECT position FROM projection_checkpoints WHERE projection = $1 AND version = $2',
      [this.target.name, this.target.version],
    );
    const row = result.rows[0];
    return row ? BigInt(row.position) : null;
  }
}
