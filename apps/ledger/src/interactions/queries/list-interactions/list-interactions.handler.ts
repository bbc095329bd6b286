import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { emptyMetrics, normaliseDisconnectType } from '@ledger/domain';
import type { InteractionProjectionDefinition } from '@ledger/projections';
import { INTERACTION_PROJECTION_DEFINITION } from '../../../projector/projector.tokens';
import { cursorTimeSql, encodeCursor } from '../../shared/keyset-cursor';
import { queryPrepared } from '../../shared/prepared-query';
import { currentStateIfSettledSql, foldStatesAt } from '../../shared/states-at';
import { LIST_CURSOR_KIND, type ListInteractionsFilters } from './list-interactions.params';
import { ListInteractionsQuery } from './list-interactions.query';

interface PageRow {
  conversation_id: string;
  sort_key: string;
  /** The list item, rendered by PostgreSQL as JSON text. */
  item: string;
  /** With activeAt: the current state as JSON text when it is already the state at activeAt. */
  state_at?: string | null;
}

/** An ISO instant as JavaScript writes one (`2026-03-02T09:00:00.000Z`), or null. */
const isoSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The page's items as PostgreSQL renders them (an InteractionListItemDto each), sent on without being parsed and
 * serialised again: the service's one thread, not PostgreSQL, limited the list, and most of its time went to pg's
 * parsers for the array and timestamp columns and to JSON. `$1` is the metrics of a row without any.
 */
const ITEM_SQL = `json_build_object(
    'conversationId', conversation_id, 'startedAt', ${isoSql('started_at')}, 'endedAt', ${isoSql('ended_at')},
    'mediaType', media_type, 'direction', direction, 'phase', phase, 'ani', ani, 'dnis', dnis,
    'queueIds', queue_ids, 'userIds', user_ids, 'wrapupCodes', wrapup_codes, 'disconnectType', disconnect_type,
    'acdOutcome', acd_outcome, 'abandoned', abandoned, 'eventCount', event_count, 'stale', stale,
    'metrics', coalesce(metrics, $1::json))::text`;

/** What the items are rendered from besides the page key (sort_time, conversation_id): selected by the page's query, so items are built for its rows alone. */
const ROW_COLUMNS = `started_at, ended_at, media_type, direction, phase, ani, dnis, queue_ids, user_ids, wrapup_codes,
  disconnect_type, acd_outcome, abandoned, event_count, stale, metrics`;

/**
 * The page's rows, in the list's order. By queue, the queue's lookup rows are walked in that order and each probes
 * its interaction by key (the LATERAL with OFFSET 0 keeps the probe a nested loop): joined plainly, PostgreSQL
 * estimated one row for the two-column join and hashed the whole table instead (0.5 s a page at 1,000,000 rows).
 */
function pageSql(queueId: string | undefined, rowFilters: string[], keyset: ((prefix: string) => string) | null, extra: string, limit: string, bind: (value: unknown) => string): string {
  const order = (prefix: string): string => `ORDER BY ${prefix}sort_time DESC, ${prefix}conversation_id DESC LIMIT ${limit}`;
  if (queueId === undefined) {
    const where = [...rowFilters, ...(keyset ? [keyset('')] : [])];
    return `SELECT sort_time, conversation_id, ${ROW_COLUMNS}${extra} FROM interactions
            ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ${order('')}`;
  }
  const probe = ['interactions.conversation_id = q.conversation_id', ...rowFilters];
  return `SELECT q.sort_time, q.conversation_id, i.* FROM interaction_queues q
          CROSS JOIN LATERAL (SELECT ${ROW_COLUMNS}${extra} FROM interactions WHERE ${probe.join(' AND ')} OFFSET 0) i
          WHERE q.queue_id = ${bind(queueId)}${keyset ? ` AND ${keyset('q.')}` : ''} ${order('q.')}`;
}

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

  async execute({ params }: ListInteractionsQuery): Promise<string> {
    const sql: string[] = [];
    const values: unknown[] = [EMPTY_METRICS_JSON];
    const bind = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    whereFilters(params.filters, sql, bind);
    const after = params.after;
    const keyset = after && ((prefix: string) => `(${prefix}sort_time, ${prefix}conversation_id) < (${bind(after.sortTime)}::timestamptz, ${bind(after.conversationId)}::text)`);
    const activeAt = params.filters.activeAt;
    const stateAt = activeAt === undefined ? '' : `, (${currentStateIfSettledSql(bind(activeAt))})::text AS state_at`;
    // The page first, then its items: rendered in the select list of the page's own query, items would be built for
    // every row a sort reads (thousands per queue), not for the page.
    const queueId = params.filters.queueId;
    const text = `SELECT conversation_id, ${cursorTimeSql('sort_time')} AS sort_key, ${ITEM_SQL} AS item${activeAt === undefined ? '' : ', state_at'}
       FROM (${pageSql(queueId, sql, keyset, stateAt, bind(params.limit + 1), bind)}) page
       ORDER BY sort_time DESC, conversation_id DESC`;
    // The queue walk's plan is fixed by its shape: it is prepared once per connection. Other filters keep a plan
    // made for their values (a user with three interactions and one with thousands want different ones).
    const rows = queueId === undefined ? await this.dataSource.query<PageRow[]>(text, values) : await queryPrepared<PageRow>(this.dataSource, text, values);
    const page = rows.slice(0, params.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > params.limit && last ? encodeCursor(LIST_CURSOR_KIND, [last.sort_key, last.conversation_id]) : null;
    let items = page.map((row) => row.item);
    if (activeAt !== undefined) {
      const unsettled = page.filter((row) => !row.state_at).map((row) => row.conversation_id);
      const folded = await foldStatesAt(this.dataSource, unsettled, activeAt, this.definition.extensions);
      items = page.map((row) => {
        const folds = folded.get(row.conversation_id);
        const state = row.state_at ?? (folds ? JSON.stringify(folds) : null);
        // The item's closing brace gives way to its state at activeAt.
        return state === null ? row.item : `${row.item.slice(0, -1)},"state":${state}}`;
      });
    }
    return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }
}

const EMPTY_METRICS_JSON = JSON.stringify(emptyMetrics());

/** The filters a row of `interactions` must pass (the queue is the page's source, see pageSql). */
function whereFilters(f: ListInteractionsFilters, sql: string[], bind: (value: unknown) => string): void {
  if (f.from !== undefined) sql.push(`started_at >= ${bind(f.from)}::timestamptz`);
  if (f.to !== undefined) sql.push(`started_at < ${bind(f.to)}::timestamptz`);
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
