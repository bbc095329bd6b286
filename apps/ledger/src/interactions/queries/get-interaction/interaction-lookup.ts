import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { MetricsRegistry } from '../../../ops/metrics.registry';
import { queryPrepared } from '../../shared/prepared-query';

export interface InteractionRow {
  conversation_id: string;
  position: string;
  event_count: number;
  updated_at: Date;
  stale: boolean;
  state_json: string;
}

/**
 * Statements reading by id at once. One did best under load: 50 connections over 2,501 interactions on this 2-core
 * machine, two 5 s runs each, twice over: 12,585–15,225 req/s with one, 9,085–11,934 with two, 8,889–10,049 with four
 * (each extra statement shares the ids among more backends, each woken and run for fewer of them), against
 * 4,757–6,706 with a statement a request. A statement reads up to MAX_IDS_PER_STATEMENT primary keys, about a
 * millisecond, so a request waits at most one such read before its own goes out.
 */
const MAX_CONCURRENT_STATEMENTS = 1;
const MAX_IDS_PER_STATEMENT = 256;

const ROWS_BY_ID_SQL =
  'SELECT conversation_id, position::text AS position, event_count, updated_at, stale, state::text AS state_json FROM interactions WHERE conversation_id = ANY($1::text[])';

/**
 * Reads interactions by id, concurrent requests sharing statements: while a statement is running, the ids asked for
 * meanwhile wait and go out together in the next one (DataLoader collects them; nothing is cached, each request reads
 * the row as it is when its statement runs). A lone request goes out at once, on its own.
 *
 * Why: under 50 concurrent clients a primary-key read by itself cost PostgreSQL 79–118 µs and the service 125–178 µs a
 * request, most of it per statement (the pool, a round trip and its system calls, the executor's start-up), not per
 * row; sharing statements: 24–44 and 58–104 µs (bench/README.md, Session 20).
 */
@Injectable()
export class InteractionLookup {
  private readonly loader: DataLoader<string, InteractionRow | undefined>;
  private running = 0;
  /** Batches DataLoader has closed, waiting for the running statement to finish. */
  private readonly queued: (() => void)[] = [];
  private idsInFlight = 0;
  private readonly statements: Counter;
  private readonly idsRead: Counter;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: MetricsRegistry,
  ) {
    this.loader = new DataLoader((ids) => this.read(ids), {
      cache: false,
      maxBatchSize: MAX_IDS_PER_STATEMENT,
      batchScheduleFn: (dispatch) => this.schedule(dispatch),
    });
    const registers = [metrics.registry];
    this.statements = new Counter({ name: 'ledger_interaction_lookups_total', help: 'Statements reading interactions by id (GET /v1/interactions/{id}); concurrent requests share them', registers });
    this.idsRead = new Counter({ name: 'ledger_interaction_lookup_ids_total', help: 'Ids those statements read', registers });
    const lookup = this;
    new Gauge({
      name: 'ledger_interaction_lookup_ids_in_flight',
      help: 'Ids asked for by id and not yet answered, waiting for a statement or in one',
      registers,
      collect() {
        this.set(lookup.idsInFlight);
      },
    });
  }

  async load(conversationId: string): Promise<InteractionRow | undefined> {
    // PostgreSQL refuses text with a NUL byte, and would fail the whole statement with it: no such id is stored.
    if (conversationId.includes('\0')) return undefined;
    this.idsInFlight += 1;
    try {
      return await this.loader.load(conversationId);
    } finally {
      this.idsInFlight -= 1;
    }
  }

  /**
   * The slot is taken when a batch is scheduled and handed on (or given back) when its statement ends. Dispatch waits
   * for the next tick even with the slot free: DataLoader adds the first id to a batch only after scheduling it, and
   * ids asked for in the same tick join it.
   */
  private schedule(dispatch: () => void): void {
    if (this.running < MAX_CONCURRENT_STATEMENTS) {
      this.running += 1;
      process.nextTick(dispatch);
    } else {
      this.queued.push(dispatch);
    }
  }

  /** One statement for the batch; a failure fails every request in it, as the database being down would. */
  private async read(ids: readonly string[]): Promise<(InteractionRow | undefined)[]> {
    try {
      this.statements.inc();
      this.idsRead.inc(ids.length);
      const rows = await queryPrepared<InteractionRow>(this.dataSource, ROWS_BY_ID_SQL, [ids]);
      const byId = new Map(rows.map((row) => [row.conversation_id, row]));
      return ids.map((id) => byId.get(id));
    } finally {
      const next = this.queued.shift();
      if (next) process.nextTick(next);
      else this.running -= 1;
    }
  }
}
