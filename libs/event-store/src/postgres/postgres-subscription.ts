import type { Pool } from 'pg';
import type { AllSubscription, StreamFilter, SubscriptionMessage } from '../event-store.port';
import type { PostgresAppendNotifier } from './postgres-notifier';
import { EVENT_COLUMNS, POSITION_TRANSACTION_SHIFT, streamPrefixClause, toRecordedEvent, type EventRow } from './postgres-rows';

/** How soon a subscription first looks again while committed events wait behind an older running transaction. */
const HELD_BACK_RECHECK_MS = 50;

export interface SubscriptionSettings {
  /** Exclusive. 0n: from the start. */
  from: bigint | Promise<bigint>;
  filter?: StreamFilter;
  maxBatchSize: number;
  pollIntervalMs: number;
}

/**
 * Catch-up then live subscription to `$all`.
 *
 * A bare sequence is not enough: transaction A may take number 10 and commit after transaction B took 11 and
 * committed; a reader that saw 11 and moved on would skip 10 forever. Here a position starts with the writing
 * transaction's id, and a reader only takes events from transactions older than the oldest one still running (its
 * snapshot's xmin). Those have all committed or rolled back, so nothing can ever appear behind the cursor.
 */
export class PostgresAllSubscription implements AllSubscription {
  private readonly abort = new AbortController();

  constructor(
    private readonly pool: Pool,
    private readonly notifier: PostgresAppendNotifier,
    private readonly settings: SubscriptionSettings,
  ) {}

  async close(): Promise<void> {
    this.abort.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    let cursor = await this.settings.from;
    let announcedCaughtUp = false;
    const firstHeldBackWaitMs = Math.min(HELD_BACK_RECHECK_MS, this.settings.pollIntervalMs);
    let heldBackWaitMs = firstHeldBackWaitMs;
    // Read-ahead of one batch while catching up: the next read runs while the consumer handles the batch just
    // yielded. It reads after that batch's last position, exactly as the next iteration would.
    let ahead: Promise<EventRow[]> | null = null;
    try {
      while (!this.abort.signal.aborted) {
        const rows = await (ahead ?? this.readVisibleAfter(cursor));
        ahead = null;
        if (this.abort.signal.aborted) return;
        if (rows.length > 0) {
          cursor = BigInt((rows[rows.length - 1] as EventRow).position);
          announcedCaughtUp = false;
          heldBackWaitMs = firstHeldBackWaitMs;
          const full = rows.length === this.settings.maxBatchSize;
          if (full) {
            ahead = this.readVisibleAfter(cursor);
            ahead.catch(() => undefined); // awaited (and thrown) on the next iteration, or dropped on close
          }
          yield { type: 'events', events: rows.map(toRecordedEvent) };
          if (full) continue;
        }
        if (await this.heldBack(cursor)) {
          // Committed events wait behind an older transaction still running: not caught up. Ending that transaction
          // notifies nobody, so look again soon, backing off to the poll interval while it stays open.
          await this.notifier.waitForAppend(heldBackWaitMs, this.abort.signal);
          heldBackWaitMs = Math.min(heldBackWaitMs * 2, this.settings.pollIntervalMs);
          continue;
        }
        heldBackWaitMs = firstHeldBackWaitMs;
        if (!announcedCaughtUp) {
          announcedCaughtUp = true;
          yield { type: 'caughtUp', position: cursor === 0n ? null : cursor };
        }
        await this.notifier.waitForAppend(this.settings.pollIntervalMs, this.abort.signal);
      }
    } finally {
      this.abort.abort();
    }
  }

  /**
   * Whether committed events lie after `cursor` that the horizon still hides (only rows at or past it are looked at,
   * so a filter that matches few events scans no more than the transactions in flight). The horizon is cluster-wide: a writing
   * transaction left open in any database of the server holds it. Announcing `caughtUp` then would be false: a
   * projector would call itself live with its backlog unread (and a rebuild would stop pacing and build its indexes
   * before the rows).
   */
  private async heldBack(cursor: bigint): Promise<boolean> {
    const params: unknown[] = [cursor.toString()];
    const filter = streamPrefixClause(this.settings.filter?.streamPrefixes, params);
    const result = await this.pool.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ledger_events
                      WHERE position > $1::bigint
                        AND position >= (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << ${POSITION_TRANSACTION_SHIFT})${filter}) AS held`,
      params,
    );
    return result.rows[0]?.held === true;
  }

  private async readVisibleAfter(cursor: bigint): Promise<EventRow[]> {
    const params: unknown[] = [cursor.toString(), this.settings.maxBatchSize];
    const filter = streamPrefixClause(this.settings.filter?.streamPrefixes, params);
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ledger_events
       WHERE position > $1::bigint
         AND position < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << ${POSITION_TRANSACTION_SHIFT})${filter}
       ORDER BY position
       LIMIT $2`,
      params,
    );
    return result.rows;
  }
}
