import type { FoldExtension, InteractionState, UpcasterRegistry } from '@ledger/domain';
import { PostgresEventStore, type EventStore, type RecordedEvent } from '@ledger/event-store';
import { Pool, type PoolClient } from 'pg';
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import { finishInteractionBatch, planInteractionBatch, plannedRows, type ProjectionTarget } from './apply-interaction-batch';
import { commitProjectionBatch, saveCheckpoint, type CommittedBatch } from './commit-projection-batch';
import { conversationOf, conversationsWithParkedEvents, isDatabaseError } from './dead-letters';
import { PlannedInteractions } from './planned-interactions';
import { interactionTables } from './interaction-tables';
import { SingleWriterLock } from '../lifecycle/single-writer-lock';
import { TimelineHighWater } from './timeline-high-water';
import { INTERACTION_STREAM_PREFIX } from './interaction-rows';

export interface InteractionProjectorOptions {
  connectionString: string;
  /**
   * Most events per transaction while catching up: the fewer batches, the fewer times each conversation's state is
   * read, parsed, re-written (9 indexes) and re-folded for a late event. Default `DEFAULT_CATCH_UP_BATCH`: 20,000
   * pipelined, 10,000 otherwise (a batch holds the event loop while it folds, and the API shares it then).
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
  /**
   * Pipeline full batches while catching up (default true). Off when the projector shares its process with the API:
   * the pipeline keeps the event loop busy, and queries need the gaps a batch at a time leaves while PostgreSQL writes
   * (a rebuild under load answered in seconds instead of tens of milliseconds with it on).
   */
  pipelined?: boolean;
  /**
   * Awaited before each catch-up batch (not live ones): a rebuild's fill gives way to the API through it, pausing
   * while requests wait (see `ProjectionManagerOptions.fillPace`).
   */
  pace?: () => Promise<void>;
}

/**
 * Default catch-up batch sizes. 1,000,000 events into every read model: 21,100 events/s at 10,000, 26,300 at 20,000
 * (a batch of 10,000 rewrote about 900 conversations, each a 3.6 KB JSON state parsed and nine indexes updated, so
 * fewer, larger batches rewrite each conversation fewer times); the process's peak RSS went from 520 to 690 MB,
 * three batches being in memory at once (the one committing, the one being planned, the store's read-ahead). With
 * `PIPELINE_DEPTH` 3 there are four (a planned one waits for the one committing); the peak RSS of 400,000-event
 * catch-ups stayed at 730-790 MB either way.
 */
export const DEFAULT_CATCH_UP_BATCH = { pipelined: 20_000, oneAtATime: 10_000 } as const;

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
  /** Pipelined batches thrown away and applied again one by one (dead letters, a failure, or a batch before them). */
  batchesReapplied: number;
  /** Most events per catch-up transaction. */
  batchSize: number;
  lastError: string | null;
}

export const INTERACTIONS_PROJECTION: ProjectionTarget = {
  name: 'interactions',
  version: 1,
  tables: interactionTables(1),
  serviceLevelMs: 20_000,
};

/**
 * Full batches in flight while catching up: one committing, one waiting for it, one being planned. With two, the
 * projector waited for PostgreSQL's writes of the batch before while the next batch's events sat read.
 */
const PIPELINE_DEPTH = 3;

/** A batch is tried this many times (with backoff) before its failing events are parked. */
const BATCH_ATTEMPTS = 3;

/** Conversations whose planned rows the projector keeps for the next batch (a state is a few KB). */
const PLANNED_INTERACTIONS_CAPACITY = 20_000;

/** A full batch on its way through the pipeline (see `InteractionProjector.startBatch`). */
interface InFlightBatch {
  readonly events: RecordedEvent[];
  /** Resolves once the batch is planned: the next batch may be planned after it. */
  readonly planned: Promise<void>;
  /** How the pipelined attempt ended; never rejects. */
  readonly outcome: Promise<PipelinedOutcome>;
}

type PipelinedOutcome =
  /** `asPlanned`: the rows written are those the next batch was planned on. */
  | { kind: 'committed'; committed: CommittedBatch; asPlanned: boolean }
  /** Rolled back without trying: the batch before it did not commit as planned, or dead letters are involved. */
  | { kind: 'discarded' }
  | { kind: 'failed'; error: unknown };

/** Advisory-lock key (with the version): one projector instance writes at a time; others stand by. */
export const INTERACTION_PROJECTOR_LOCK = 7244101;

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
  private readonly state: Omit<ProjectorStatus, 'batchSize'>;
  private readonly rate: { at: number; events: number }[] = [];
  private readonly plannedInteractions = new PlannedInteractions(PLANNED_INTERACTIONS_CAPACITY);
  private batchSequence = 0;
  private timelineHighWater = new TimelineHighWater(null);

  constructor(
    private readonly store: EventStore,
    private readonly options: InteractionProjectorOptions,
  ) {
    // The single-writer lock's connection, one per batch in flight (PIPELINE_DEPTH while catching up), one to spare.
    this.pool = new Pool({ connectionString: options.connectionString, max: PIPELINE_DEPTH + 2 });
    this.pool.on('error', () => undefined);
    this.lock = new SingleWriterLock(this.pool, [INTERACTION_PROJECTOR_LOCK, options.version ?? INTERACTIONS_PROJECTION.version], (error) => {
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
    this.state = { name: this.target.name, version: this.target.version, phase: 'stopped', position: null, eventsApplied: 0, eventsParked: 0, eventsPerSecond: 0, batchesReapplied: 0, lastError: null };
  }

  private get batchSize(): number {
    return this.options.batchSize ?? DEFAULT_CATCH_UP_BATCH[this.options.pipelined === false ? 'oneAtATime' : 'pipelined'];
  }

  status(): ProjectorStatus {
    const now = Date.now();
    const recent = this.rate.filter((sample) => now - sample.at < 10_000);
    const events = recent.reduce((sum, sample) => sum + sample.events, 0);
    const span = recent.length > 0 ? Math.max(1, now - (recent[0] as { at: number }).at) / 1000 : 1;
    return { ...this.state, eventsPerSecond: Math.round(events / span), batchSize: this.batchSize };
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

  /**
   * Catching up, batches are pipelined (`PIPELINE_DEPTH` in flight): batch n+2 is planned (its stored states read,
   * its timeline sent, its events folded) on a connection of its own while batch n writes its rows and commits and
   * n+1 waits for it; each commits only after the one before. A plan builds on the planned rows of the batches before
   * it (`plannedInteractions`), so it is thrown away and applied again the plain way whenever one of them did not
   * commit exactly as planned. The tail of a catch-up and live batches (not full) are applied one by one.
   */
  private async follow(): Promise<void> {
    const checkpoint = await this.readCheckpoint();
    this.timelineHighWater = new TimelineHighWater(await this.readTimelineHighWater());
    this.state.position = checkpoint?.toString() ?? null;
    this.state.phase = 'catching-up';
    this.plannedInteractions.clear();
    const batchSize = this.batchSize;
    const subscription = this.store.subscribeToAll({
      from: checkpoint ?? 'start',
      filter: { streamPrefixes: [INTERACTION_STREAM_PREFIX] },
      maxBatchSize: batchSize,
    });
    this.subscription = subscription;
    // Oldest first; each batch commits after the one before it.
    let pending: InFlightBatch[] = [];
    const settleAll = async (): Promise<void> => {
      while (pending.length > 0) await this.settle(pending.shift() as InFlightBatch);
    };
    try {
      for await (const message of subscription) {
        if (this.stopping) break;
        if (message.type === 'caughtUp') {
          await settleAll();
          if (this.state.phase === 'catching-up') await this.refreshPlannerStatistics();
          this.state.phase = 'live';
          continue;
        }
        if (this.options.pace && this.state.phase === 'catching-up') await this.options.pace();
        if (this.stopping) break;
        if (this.options.pipelined === false) {
          await this.commitBatch(message.events);
          continue;
        }
        const current = this.startBatch(message.events, pending[pending.length - 1] ?? null);
        pending.push(current);
        await current.planned;
        let asPlanned = true;
        while (asPlanned && pending.length >= PIPELINE_DEPTH) asPlanned = await this.settle(pending.shift() as InFlightBatch);
        if (!asPlanned || message.events.length < batchSize) {
          // The plans after it rest on a batch that failed (they discard themselves), or nothing follows soon.
          await settleAll();
        }
      }
      await settleAll();
    } finally {
      // Leaving on an error: the batches still in flight commit or roll back before the lock is given up.
      for (const batch of pending) await batch.outcome;
      pending = [];
    }
  }

  /** Plans `events` now and commits them after `previous` has, if `previous` committed as planned (never throws). */
  private startBatch(events: RecordedEvent[], previous: InFlightBatch | null): InFlightBatch {
    const batch = ++this.batchSequence;
    let markPlanned = (): void => undefined;
    const planned = new Promise<void>((resolve) => (markPlanned = resolve));
    const outcome = (async (): Promise<PipelinedOutcome> => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const interactionEvents = events.filter((event) => event.streamId.startsWith(INTERACTION_STREAM_PREFIX));
        const timelineIsNew = this.timelineHighWater.pass(interactionEvents.map((event) => event.position));
        // Dead letters are left to the plain path (parking, queueing behind them). If `previous` parks anything, it
        // is not as planned and this batch is discarded, so checking before it commits is enough.
        const blocked = await conversationsWithParkedEvents(client, this.target, [...new Set(interactionEvents.map(conversationOf))]);
        const plan = blocked.size > 0 ? null : await planInteractionBatch(client, this.target, interactionEvents, this.plannedInteractions.lookup, { timelineIsNew });
        if (plan) {
          const { rows, undecided } = plannedRows(plan);
          this.plannedInteractions.planned(batch, rows, undecided);
        }
        markPlanned();
        const before = previous ? await previous.outcome : null;
        const previousAsPlanned = before === null || (before.kind === 'committed' && before.asPlanned && before.committed.parked === 0);
        if (blocked.size > 0 || !previousAsPlanned) {
          await client.query('ROLLBACK');
          return { kind: 'discarded' };
        }
        const finished = plan ? await finishInteractionBatch(client, this.target, plan) : { applied: 0, changed: [], asPlanned: true, written: [] };
        await saveCheckpoint(client, this.target, (events[events.length - 1] as RecordedEvent).position, finished.applied);
        await client.query('COMMIT');
        if (finished.asPlanned) this.plannedInteractions.committed(batch, finished.written);
        return { kind: 'committed', committed: { applied: finished.applied, parked: 0, changed: finished.changed }, asPlanned: finished.asPlanned };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        return { kind: 'failed', error };
      } finally {
        markPlanned();
        client.release();
      }
    })();
    return { events, planned, outcome };
  }

  /**
   * Waits for a pipelined batch and records it. One that did not commit is applied the plain way (retries, then
   * parking), after clearing the planned rows the batches after it would have built on. True: committed as planned.
   */
  private async settle(batch: InFlightBatch): Promise<boolean> {
    const outcome = await batch.outcome;
    if (outcome.kind === 'committed') {
      this.recordCommitted(batch.events, outcome.committed);
      if (!outcome.asPlanned) this.plannedInteractions.clear();
      return outcome.asPlanned;
    }
    this.plannedInteractions.clear();
    this.state.batchesReapplied += 1;
    await this.commitBatch(batch.events);
    return false;
  }

  private async commitBatch(events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    let committed: CommittedBatch;
    try {
      // Each attempt asks the high water: a retry finds the batch passed already and inserts idempotently.
      committed = await this.retryPolicy.execute(() =>
        this.inTransaction((client) => {
          const timelineIsNew = this.timelineHighWater.pass(interactionPositions(events));
          return commitProjectionBatch(client, this.target, events, { isolate: false, attempts: 0, timelineIsNew });
        }),
      );
    } catch (error) {
      if (isDatabaseError(error)) throw error;
      // The batch keeps failing in a handler: apply it conversation by conversation and park what throws.
      committed = await this.inTransaction((client) => commitProjectionBatch(client, this.target, events, { isolate: true, attempts: BATCH_ATTEMPTS }));
    }
    this.recordCommitted(events, committed);
  }

  private recordCommitted(events: RecordedEvent[], committed: CommittedBatch): void {
    const last = events[events.length - 1];
    if (!last) return;
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

  /** The timeline's highest position (read backwards along its key), null when it is empty. */
  private async readTimelineHighWater(): Promise<bigint | null> {
    const result = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.target.tables.events} ORDER BY position DESC LIMIT 1`);
    const row = result.rows[0];
    return row ? BigInt(row.position) : null;
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

function interactionPositions(events: RecordedEvent[]): bigint[] {
  return events.filter((event) => event.streamId.startsWith(INTERACTION_STREAM_PREFIX)).map((event) => event.position);
}
