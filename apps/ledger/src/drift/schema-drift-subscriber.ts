import { registryText, SchemaDriftDetector, SchemaFieldTally, type DriftKind, type ObservedEvent, type SchemaBaseline } from '@ledger/domain';
import type { AllSubscription, EventStore, RecordedEvent } from '@ledger/event-store';
import { SingleWriterLock } from '@ledger/projections';
import { Pool, type PoolClient } from 'pg';
import { readDriftCheckpoint, saveDriftCheckpoint, upsertSchemaFields, type NewRegistryRow } from './schema-fields.sql';

export interface SchemaDriftSubscriberOptions {
  connectionString: string;
  baseline: SchemaBaseline;
  batchSize?: number;
  /** After each commit: drift occurrences by kind in the batch, and registry rows seen for the first time. */
  onCommitted?: (drift: Readonly<Record<DriftKind, number>>, newRows: NewRegistryRow[]) => void;
  onError?: (error: unknown) => void;
}

export type DriftSubscriberPhase = 'stopped' | 'standby' | 'catching-up' | 'live';

/** Baselined events live on interaction streams (detail events); nothing else needs reading. */
const DRIFT_STREAM_PREFIXES = ['interaction-'];
/** Attempts at one batch before its registry rows are given up on (the checkpoint still moves). */
const MAX_BATCH_ATTEMPTS = 3;
/** Advisory-lock key: one instance keeps the registry; others stand by. */
const SINGLE_WRITER_LOCK = 7244301;

/**
 * Follows `$all` and keeps `schema_fields`: each batch's registry rows and the checkpoint commit in one transaction,
 * so counts stay exact across crashes. It runs beside the projectors, never in their way: whatever it finds or
 * fails on, ingestion and projection go on.
 */
export class SchemaDriftSubscriber {
  private readonly pool: Pool;
  private readonly detector: SchemaDriftDetector;
  private running: Promise<void> | null = null;
  private stopping = false;
  private subscription: AllSubscription | null = null;
  private readonly lock: SingleWriterLock;
  private phase: DriftSubscriberPhase = 'stopped';
  private repeatedFailure: { position: bigint; count: number } | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly options: SchemaDriftSubscriberOptions,
  ) {
    this.pool = new Pool({ connectionString: options.connectionString, max: 2 });
    this.pool.on('error', () => undefined);
    this.lock = new SingleWriterLock(this.pool, [SINGLE_WRITER_LOCK, 0], (error) => {
      this.options.onError?.(error);
      void this.subscription?.close();
    });
    this.detector = new SchemaDriftDetector(options.baseline);
  }

  status(): { phase: DriftSubscriberPhase } & ReturnType<SchemaDriftDetector['stats']> {
    return { phase: this.phase, ...this.detector.stats() };
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.runUntilStopped();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.running;
    this.running = null;
    this.lock.release();
    await this.pool.end();
    this.phase = 'stopped';
  }

  private async runUntilStopped(): Promise<void> {
    while (!this.stopping) {
      try {
        this.phase = 'standby';
        if (!(await this.lock.acquire(() => this.stopping))) return;
        await this.follow();
      } catch (error) {
        if (this.stopping) return;
        this.options.onError?.(error);
        this.lock.release(true);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async follow(): Promise<void> {
    const checkpoint = await readDriftCheckpoint(this.pool);
    this.phase = 'catching-up';
    const subscription = this.store.subscribeToAll({
      from: checkpoint ?? 'start',
      filter: { streamPrefixes: DRIFT_STREAM_PREFIXES },
      maxBatchSize: this.options.batchSize ?? 2000,
    });
    this.subscription = subscription;
    for await (const message of subscription) {
      if (this.stopping) break;
      if (message.type === 'caughtUp') {
        this.phase = 'live';
        continue;
      }
      await this.commitBatch(message.events);
    }
  }

  private async commitBatch(events: RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1];
    if (!last) return;
    const tally = new SchemaFieldTally(this.detector);
    for (const event of events) {
      try {
        tally.add(observe(event));
      } catch (error) {
        // A body the fingerprint cannot take is reported and passed over; it must not hold the registry back.
        this.options.onError?.(error);
      }
    }
    let newRows: NewRegistryRow[];
    try {
      newRows = await this.inTransaction(async (client) => {
        const inserted = await upsertSchemaFields(client, tally.observations());
        await saveDriftCheckpoint(client, last.position, tally.eventCount());
        return inserted;
      });
    } catch (error) {
      if (!this.failedRepeatedly(events)) throw error;
      // The same events fail again and again while the database takes the checkpoint: their rows are the problem.
      // The registry is a diagnosis; it skips them rather than stop for good.
      await this.inTransaction((client) => saveDriftCheckpoint(client, last.position, 0));
      this.options.onError?.(new Error(`schema-drift rows for positions ${events[0]?.position}..${last.position} skipped after ${MAX_BATCH_ATTEMPTS} failures: ${String(error)}`));
      return;
    }
    this.repeatedFailure = null;
    this.options.onCommitted?.(tally.driftCounts(), newRows);
  }

  private failedRepeatedly(events: RecordedEvent[]): boolean {
    const first = events[0]?.position ?? -1n;
    this.repeatedFailure = this.repeatedFailure?.position === first ? { position: first, count: this.repeatedFailure.count + 1 } : { position: first, count: 1 };
    return this.repeatedFailure.count >= MAX_BATCH_ATTEMPTS;
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
}

/** What the registry needs of a stored event. Seen = first receipt (knowledge time), else when it was stored. */
function observe(event: RecordedEvent): ObservedEvent {
  const metadata = typeof event.metadata === 'object' && event.metadata !== null ? (event.metadata as Record<string, unknown>) : {};
  const version = metadata['topicVersion'];
  const receivedAt = metadata['receivedAt'];
  const receivedMs = typeof receivedAt === 'string' ? Date.parse(receivedAt) : NaN;
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    topicVersion: typeof version === 'string' ? registryText(version).slice(0, 64) : null,
    data: event.data,
    seenAt: new Date(Number.isFinite(receivedMs) ? receivedMs : event.recordedAt.getTime()).toISOString(),
  };
}
