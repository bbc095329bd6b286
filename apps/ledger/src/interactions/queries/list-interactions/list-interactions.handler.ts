import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { emptyMetrics, normaliseDisconnectType, type InteractionMetrics, type InteractionState } from '@ledger/domain';
import type { InteractionProjectionDefinition } from '@ledger/projections';
import { INTERACTION_PROJECTION_DEFINITION } from '../../../projector/projector.tokens';
import { cursorTimeSql, encodeCursor } from '../../shared/keyset-cursor';
import { currentStateIfSettledSql, foldStatesAt } from '../../shared/states-at';
import { LIST_CURSOR_KIND, type ListInteractionsFilters } from './list-interactions.params';
import { ListInteractionsQuery, type InteractionListItem, type InteractionPage } from './list-interactions.query';

interface InteractionRow {
  conversation_id: string;
  sort_key: string;
  started_at: Date | null;
  ended_at: Date | null;
  media_type: string | null;
  direction: string | null;
  phase: string | null;
  ani: string | null;
  dnis: string | null;
  queue_ids: string[];
  user_ids: string[];
  wrapup_codes: string[];
  disconnect_type: string | null;
  acd_outcome: string | null;
  abandoned: boolean;
  event_count: number;
  stale: boolean;
  metrics: InteractionMetrics | null;
  /** With activeAt: the current state when it is already the state at activeAt. */
  state_at?: InteractionState | null;
}

const COLUMNS = `conversation_id, ${cursorTimeSql('sort_time')} AS sort_key, started_at, ended_at, media_type, direction,
  phase, ani, dnis, queue_ids, user_ids, wrapup_codes, disconnect_type, acd_outcome, abandoned, event_count, stale,
  metrics`;

/**
 * By queue, the page is walked on the queue's lookup rows (in the list's order) and each joined to its row by key;
 * USING merges sort_time and conversation_id, so the keyset and the order below apply to the lookup rows' key.
 */
const BY_QUEUE = 'interaction_queues JOIN interactions USING (sort_time, conversation_id)';

/** Phone numbers are stored as Genesys sends them (`tel:+1317...`); a bare number matches its `tel:` form too. */
const phoneForms = (value: string): string[] => (/^[a-z]+:/i.test(value) ? [value] : [value, `tel:${value}`]);

/**
 * One keyset page over `interactions`, ordered (sort_time DESC, conversation_id DESC). sort_time never changes
 * once a row exists, so a page boundary stays put while new interactions arrive (they sort before the cursor).
 */
@QueryHandler(ListInteractionsQuery)
export class ListInteractionsHandler implements IQueryHandler<ListInteractionsQuery> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(INTERACTION_PROJECTION_DEFINITION) private readonly definition: InteractionProjectionDefinition,
  ) {}

  async execute({ params }: ListInteractionsQuery): Promise<InteractionPage> {
    const sql: string[] = [];
    const values: unknown[] = [];
    const bind = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    whereFilters(params.filters, sql, bind);
    if (params.after !== null) {
      sql.push(`(sort_time, conversation_id) < (${bind(params.after.sortTime)}::timestamptz, ${bind(params.after.conversationId)}::text)`);
    }
    const activeAt = params.filters.activeAt;
    const stateAt = activeAt === undefined ? '' : `, ${currentStateIfSettledSql(bind(activeAt))} AS state_at`;
    const rows = await this.dataSource.query<InteractionRow[]>(
      `SELECT ${COLUMNS}${stateAt} FROM ${params.filters.queueId === undefined ? 'interactions' : BY_QUEUE}
        ${sql.length > 0 ? `WHERE ${sql.join(' AND ')}` : ''}
        ORDER BY sort_time DESC, conversation_id DESC LIMIT ${bind(params.limit + 1)}`,
      values,
    );
    const page = rows.slice(0, params.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > params.limit && last ? encodeCursor(LIST_CURSOR_KIND, [last.sort_key, last.conversation_id]) : null;
    const items = page.map(toItem);
    if (activeAt !== undefined) {
      const unsettled = page.filter((row) => !row.state_at).map((row) => row.conversation_id);
      const folded = await foldStatesAt(this.dataSource, unsettled, activeAt, this.definition.extensions);
      for (const [i, item] of items.entries()) {
        const state = page[i]?.state_at ?? folded.get(item.conversationId);
        if (state) item.state = state;
      }
    }
    return { items, nextCursor };
  }
}

function whereFilters(f: ListInteractionsFilters, sql: string[], bind: (value: unknown) => string): void {
  if (f.from !== undefined) sql.push(`started_at >= ${bind(f.from)}::timestamptz`);
  if (f.to !== undefined) sql.push(`started_at < ${bind(f.to)}::timestamptz`);
  if (f.queueId !== undefined) sql.push(`interaction_queues.queue_id = ${bind(f.queueId)}`);
  if (f.userId !== undefined) sql.push(`user_ids @> ARRAY[${bind(f.userId)}::text]`);
  if (f.wrapupCode !== undefined) sql.push(`wrapup_codes @> ARRAY[${bind(f.wrapupCode)}::text]`);
  if (f.externalContactId !== undefined) sql.push(`external_contact_ids @> ARRAY[${bind(f.externalContactId)}::text]`);
  // The table holds the analytics spelling (voice, inbound, consultTransfer); accept the detail-event one too.
  if (f.mediaType !== undefined) sql.push(`media_type = ${bind(f.mediaType.toLowerCase())}`);
  if (f.direction !== undefined) sql.push(`direction = ${bind(f.direction.toLowerCase())}`);
  if (f.disconnectType !== undefined) sql.push(`disconnect_type = ${bind(normaliseDisconnectType(f.disconnectType) ?? f.disconnectType)}`);
  if (f.phase !== undefined) sql.push(`phase = ${bind(f.phase)}`);
  if (f.ani !== undefined) sql.push(`ani = ANY(${bind(phoneForms(f.ani))}::text[])`);
  if (f.dnis !== undefined) sql.push(`dnis = ANY(${bind(phoneForms(f.dnis))}::text[])`);
  if (f.activeAt !== undefined) {
    const at = bind(f.activeAt);
    sql.push(`started_at <= ${at}::timestamptz AND (ended_at IS NULL OR ended_at > ${at}::timestamptz)`);
  }
}

function toItem(row: InteractionRow): InteractionListItem {
  return {
    conversationId: row.conversation_id,
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    mediaType: row.media_type,
    direction: row.direction,
    phase: row.phase,
    ani: row.ani,
    dnis: row.dnis,
    queueIds: row.queue_ids,
    userIds: row.user_ids,
    wrapupCodes: row.wrapup_codes,
    disconnectType: row.disconnect_type,
    acdOutcome: row.acd_outcome,
    abandoned: row.abandoned,
    eventCount: row.event_count,
    stale: row.stale,
    metrics: row.metrics ?? emptyMetrics(),
  };
}
