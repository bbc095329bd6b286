import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import { Pool } from 'pg';
import {
  WrongExpectedRevisionError,
  type AllSubscription,
  type AppendOutcome,
  type AppendRequest,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '../event-store.port';
import { EventStoreUnavailableError } from '../event-store.errors';
import { appendInOneTransaction } from './postgres-append';
import { PostgresAppendNotifier } from './postgres-notifier';
import { EVENT_COLUMNS, POSTGRES_EVENTS_TABLE, streamPrefixClause, toRecordedEvent, type EventRow } from './postgres-rows';
import { PostgresAllSubscription } from './postgres-subscription';

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  /** How often an idle subscription looks for events when no notification arrives. */
  pollIntervalMs?: number;
}

const DEFAULT_READ_COUNT = 4096;

/** The embedded default: events in PostgreSQL, the same database as the read models. Schema: EVENT_STORE_MIGRATIONS. */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly notifier: PostgresAppendNotifier;
  private readonly subscriptions = new Set<AllSubscription>();
  private analysed: Promise<void> | null = null;
  private pendingPing: Promise<void> | null = null;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 8 });
    // An idle client that loses its server must not crash the process; the next query reports the failure.
    this.pool.on('error', () => undefined);
    this.notifier = new PostgresAppendNotifier(options.connectionString);
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendOutcome & { ok: true }> {
    const [outcome] = await this.appendMany([{ streamId, events, expectedRevision: options.expectedRevision }]);
    if (!outcome) throw new Error('append returned no outcome');
    if (!outcome.ok) throw outcome.error;
    return outcome;
  }

  async appendMany(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    if (requests.length === 0) return [];
    const client = await this.pool.connect();
    try {
      return await appendInOneTransaction(client, requests);
    } finally {
      client.release();
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const params: unknown[] = [streamId, options.maxCount ?? DEFAULT_READ_COUNT];
    let bound = '';
    if (options.fromRevision !== undefined) {
      params.push(options.fromRevision.toString());
      bound = ` AND revision ${backwards ? '<=' : '>='} $3::bigint`;
    }
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE stream_id = $1${bound}
       ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $2`,
      params,
    );
    return result.rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? 'end' : 'start');
    if ((from === 'end' && !backwards) || (from === 'start' && backwards)) return [];
    const params: unknown[] = [options.maxCount ?? DEFAULT_READ_COUNT];
    let bound = '';
    if (typeof from === 'bigint') {
      params.push(from.toString());
      bound = ` AND position ${backwards ? '<=' : '>='} $2::bigint`;
    }
    const filter = streamPrefixClause(options.filter?.streamPrefixes, params);
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE true${bound}${filter}
       ORDER BY position ${backwards ? 'DESC' : 'ASC'} LIMIT $1`,
      params,
    );
    return result.rows.map(toRecordedEvent);
  }

  async headPosition(): Promise<bigint | null> {
    const result = await this.pool.query<{ position: string | null }>('SELECT max(position) AS position FROM ledger_events');
    const position = result.rows[0]?.position;
    return position ? BigInt(position) : null;
  }

  /**
   * `SELECT 1` through the pool. A query cannot be called back once the pool has it, so pings that come while one is
   * still out wait on that one: a hung server never has more than one of ours waiting on it.
   */
  async ping(timeoutMs: number): Promise<void> {
    this.pendingPing ??= this.pool
      .query('SELECT 1')
      .then(() => undefined)
      .finally(() => void (this.pendingPing = null));
    const pending = this.pendingPing;
    try {
      await timeout(timeoutMs, TimeoutStrategy.Aggressive).execute(() => pending);
    } catch (error) {
      const reason = error instanceof TaskCancelledError ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      throw new EventStoreUnavailableError(`PostgreSQL event store: ${reason}`, { cause: error });
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    const from = options.from ?? 'start';
    const start = from === 'start' ? Promise.resolve(0n) : from === 'end' ? this.headPosition().then((head) => head ?? 0n) : Promise.resolve(from);
    const subscription = new PostgresAllSubscription(this.pool, this.notifier, {
      from: this.ensurePlannerStatistics().then(() => start),
      filter: options.filter,
      maxBatchSize: options.maxBatchSize ?? 1000,
      pollIntervalMs: this.options.pollIntervalMs ?? 500,
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * A table bulk-loaded moments ago has no statistics yet, and the planner then sorts every remaining event on each
   * catch-up read instead of walking the primary key. Analyse it once if autovacuum has not.
   */
  private ensurePlannerStatistics(): Promise<void> {
    this.analysed ??= this.pool
      .query<{ analysed: boolean }>(
        "SELECT coalesce(last_analyze, last_autoanalyze) IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname = 'ledger_events'",
      )
      .then(async (result) => {
        if (!result.rows[0]?.analysed) await this.pool.query('ANALYZE ledger_events');
      })
      .catch(() => undefined);
    return this.analysed;
  }

  /**
   * The table holding the events, when they are in the database at `connectionString` (the embedded default, where
   * events and read models share a database): projections can then take ids and bodies from it inside PostgreSQL.
   */
  eventsTableIn(connectionString: string): string | null {
    return connectionString === this.options.connectionString ? POSTGRES_EVENTS_TABLE : null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.notifier.close();
    await this.pool.end();
  }
}

export { WrongExpectedRevisionError };
