import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { normaliseDisconnectType } from '@ledger/domain';
import { activeAtSql, type InteractionProjectionDefinition } from '@ledger/projections';
import { INTERACTION_PROJECTION_DEFINITION } from '../../../projector/projector.tokens';
import { cursorTimeSql, encodeCursor } from '../../shared/keyset-cursor';
import { queryPrepared } from '../../shared/prepared-query';
import { currentStateIfSettledSql, foldStatesAt } from '../../shared/states-at';
import { LIST_CURSOR_KIND, type ListInteractionsFilters, type ListInteractionsParams } from './list-interactions.params';
import { ListInteractionsQuery } from './list-interactions.query';

interface PageRow {
  conversation_id: string;
  /** The keyset cursor's time, on the page's last row only. */
  sort_key: string | null;
  /** The list item as JSON text. */
  list_item: string;
  /** With activeAt: the current state as JSON text when it is already the state at activeAt. */
  state_at?: string | null;
}

/**
 * The page's rows, in the list's order, each with its item: `list_item`, rendered by PostgreSQL whenever the row is
 * written (LIST_ITEM_COLUMN_SQL) and sent on as JSON text, never parsed and serialised again. By queue, the queue's
 * lookup rows are walked in that order. With no other filter they carry the item themselves (a trigger keeps it equal
 * to the interaction's; null in a row an older release wrote, whose interaction is then read). Otherwise each probes
 * its interaction by key (the LATERAL with OFFSET 0 keeps the probe a nested loop): joined plainly, PostgreSQL
 * estimated one row for the two-column join and hashed the whole table instead (0.5 s a page at 1,000,000 rows).
 */
function pageSql(
  queueId: string | undefined,
  rowFilters: string[],
  keyset: ((prefix: string) => string) | null,
  limit: string,
  bind: (value: unknown) => string,
): string {
  if (queueId === undefined) {
    const where = [...rowFilters, ...(keyset ? [keyset('')] : [])];
    return `SELECT sort_time, conversation_id, list_item FROM interactions
            ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ${pageOrder('', limit)}`;
  }
  const walk = `WHERE q.queue_id = ${bind(queueId)}${keyset ? ` AND ${keyset('q.')}` : ''} ${pageOrder('q.', limit)}`;
  if (rowFilters.length === 0) {
    return `SELECT q.sort_time, q.conversation_id,
              coalesce(q.list_item, (SELECT list_item FROM interactions WHERE interactions.conversation_id = q.conversation_id)) AS list_item
            FROM interaction_queues q ${walk}`;
  }
  const probe = ['interactions.conversation_id = q.conversation_id', ...rowFilters];
  return `SELECT q.sort_time, q.conversation_id, i.* FROM interaction_queues q
          CROSS JOIN LATERAL (SELECT list_item FROM interactions WHERE ${probe.join(' AND ')} OFFSET 0) i ${walk}`;
}

/**
 * `?activeAt=T`: the page is taken from the rows in progress at T, all of them read through the `_spans` index and
 * then sorted (a centre's concurrency bounds them). Walking the list's order instead, PostgreSQL could not stop before
 * the oldest row, since any older interaction might still have been in progress: two pages of 500 read 992,000 rows
 * at 1,000,000 interactions. OFFSET 0 keeps that plan whatever the LIMIT tempts it to. The queue is a filter here,
 * not a walk, for the same reason. Each page row gets `state_at` after the limit (currentStateIfSettledSql).
 */
function activePageSql(rowFilters: string[], keyset: ((prefix: string) => string) | null, stateAt: string, limit: string): string {
  const where = [...rowFilters, ...(keyset ? [keyset('')] : [])];
  return `SELECT sort_time, conversation_id, list_item, (${stateAt})::text AS state_at FROM (
            SELECT * FROM (
              SELECT sort_time, conversation_id, list_item, last_event_time, state FROM interactions WHERE ${where.join(' AND ')} OFFSET 0
            ) active ${pageOrder('', limit)}
          ) interactions`;
}

const pageOrder = (prefix: string, limit: string): string => `ORDER BY ${prefix}sort_time DESC, ${prefix}conversation_id DESC LIMIT ${limit}`;

/** One page's statement; `prepared`: run as a named prepared statement (its plan is fixed by its shape). */
export interface ListPageStatement {
  text: string;
  values: unknown[];
  prepared: boolean;
}

/**
 * The SQL of one keyset page over `interactions`, ordered (sort_time DESC, conversation_id DESC), fetching limit + 1
 * rows (the extra one says whether a next page exists).
 */
export function listPageStatement({ filters, after, limit }: ListInteractionsParams): ListPageStatement {
  const sql: string[] = [];
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const activeAt = filters.activeAt === undefined ? undefined : bind(filters.activeAt);
  whereFilters(filters, sql, bind);
  const keyset = after && ((prefix: string) => `(${prefix}sort_time, ${prefix}conversation_id) < (${bind(after.sortTime)}::timestamptz, ${bind(after.conversationId)}::text)`);
  // The cursor's time is rendered for the page's last row alone: to_char on all 51 rows took ~30 µs of a ~500 µs
  // page at 1,000,000 interactions.
  const order = 'ORDER BY sort_time DESC, conversation_id DESC';
  // The limit is written into the text, not bound: with LIMIT $n the prepared queue walk's generic plan looked
  // dearer than planning each call afresh, so PostgreSQL never kept it (0 generic plans in 2,050 runs, 0.57 ms a page
  // against 0.40 ms). A validated integer (limitParam), so a literal is safe; one statement per limit in use.
  const fetch = String(limit + 1);
  let page: string;
  if (activeAt === undefined) {
    page = pageSql(filters.queueId, sql, keyset, fetch, bind);
  } else {
    sql.push(activeAtSql(activeAt));
    if (filters.queueId !== undefined) sql.push(`queue_ids @> ARRAY[${bind(filters.queueId)}::text]`);
    page = activePageSql(sql, keyset, currentStateIfSettledSql(activeAt), fetch);
  }
  const text = `SELECT conversation_id, list_item${activeAt === undefined ? '' : ', state_at'},
              CASE WHEN row_number() OVER (${order}) = ${limit} THEN ${cursorTimeSql('sort_time')} END AS sort_key
       FROM (${page}) page
       ${order}`;
  // The queue walk's plan is fixed by its shape: it is prepared once per connection. Other filters keep a plan
  // made for their values (a user with three interactions and one with thousands want different ones).
  return { text, values, prepared: filters.queueId !== undefined && activeAt === undefined };
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
    const { text, values, prepared } = listPageStatement(params);
    const rows = prepared ? await queryPrepared<PageRow>(this.dataSource, text, values) : await this.dataSource.query<PageRow[]>(text, values);
    const page = rows.slice(0, params.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > params.limit && last ? encodeCursor(LIST_CURSOR_KIND, [last.sort_key, last.conversation_id]) : null;
    let items = page.map((row) => row.list_item);
    const activeAt = params.filters.activeAt;
    if (activeAt !== undefined) {
      const unsettled = page.filter((row) => !row.state_at).map((row) => row.conversation_id);
      const folded = await foldStatesAt(this.dataSource, unsettled, activeAt, this.definition.extensions);
      items = page.map((row) => {
        const folds = folded.get(row.conversation_id);
        const state = row.state_at ?? (folds ? JSON.stringify(folds) : null);
        // The item's closing brace gives way to its state at activeAt.
        return state === null ? row.list_item : `${row.list_item.slice(0, -1)},"state":${state}}`;
      });
    }
    return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }
}

/** The filters a row of `interactions` must pass (the queue and activeAt shape the page itself: pageSql, activePageSql). */
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
}
