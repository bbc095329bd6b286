import {
  evolveAll,
  foldSortKey,
  initialInteractionState,
  queueContributions,
  type FoldableEvent,
  type FoldExtension,
  type InteractionState,
  type UpcasterRegistry,
} from '@ledger/domain';
import { binaryInt8Array, binaryTextArray, binaryTimestamptzArray, type RecordedEvent } from '@ledger/event-store';
import type { ClientBase } from 'pg';
import {
  INTERACTION_STREAM_PREFIX,
  toContributionRow,
  toFoldable,
  toInteractionRow,
  toTimelineRow,
  topicVersionOf,
  type InteractionRow,
  type TimelineRow,
} from './interaction-rows';
import { timelineWithBodiesSql } from './interaction-tables';

/** Physical tables of one version, e.g. `interactions__v1`. */
export interface ProjectionTables {
  interactions: string;
  events: string;
  contributions: string;
  intervals: string;
  /** (queue, sort time, conversation) for every queue in an interaction's queue_ids. */
  queues: string;
}

export interface ProjectionTarget {
  name: string;
  version: number;
  tables: ProjectionTables;
  serviceLevelMs: number;
  /**
   * The event store's table when it lives in the read models' database (the PostgreSQL store): timeline bodies are
   * then copied inside PostgreSQL instead of travelling back as JSON to be parsed again.
   */
  storeEventsTable?: string;
  /** Applied to every body before the fold; defaults to the shipped Genesys upcasters. */
  upcasters?: UpcasterRegistry;
  /** The projection definition's fold extensions, in every fold of this target. */
  extensions?: readonly FoldExtension[];
}

export interface AppliedBatch {
  /** Events new to the read model (the rest were already applied). */
  applied: number;
  /** Conversations whose state changed, with the new state. */
  changed: InteractionState[];
}

/** What the read model holds for a conversation: where an incremental fold carries on from. */
export interface StoredInteraction {
  conversation_id: string;
  state: InteractionState;
  fold_key: string;
  event_count: number;
  sort_time: Date;
}

/**
 * What the caller already knows of stored interactions (the pipelined projector's cache of the batches it planned):
 * a row, `'refold'` when it is being decided by a batch not yet committed (only a re-fold from the timeline after that
 * commit is right), or undefined to read it from the table.
 */
export type KnownInteractions = (conversationId: string) => StoredInteraction | 'refold' | undefined;

/** A batch planned (timeline insert sent, states folded) and not yet written. See `planInteractionBatch`. */
export interface PlannedBatch {
  readonly timeline: TimelineRow[];
  readonly candidates: Map<string, TimelineRow[]>;
  readonly existingById: Map<string, StoredInteraction>;
  /** Positions of the timeline rows that were new; null: all were. */
  readonly insertion: Promise<string[] | null>;
  readonly planned: PlannedStates | null;
  readonly foldError: unknown;
  /** Conversations the plan re-folds because a batch still in flight decides them (`'refold'`). */
  readonly forcedRefold: ReadonlySet<string>;
}

export interface FinishedBatch extends AppliedBatch {
  /** The states written are those of the plan (no event was already applied, no re-plan): what a cache may keep. */
  asPlanned: boolean;
  /** Every conversation written, with where its fold stands now. */
  written: StoredInteraction[];
}

/**
 * Applies a batch of stored events to the interaction read models inside the caller's transaction: timeline rows
 * (idempotent: one per stored event), interaction states (incremental, or re-folded when an event arrives late), queue
 * contributions and the affected queue intervals. The checkpoint is the caller's, in the same transaction.
 */
export async function applyInteractionBatch(client: ClientBase, target: ProjectionTarget, events: RecordedEvent[], options: PlanOptions = {}): Promise<AppliedBatch> {
  const plan = await planInteractionBatch(client, target, events, () => undefined, options);
  if (plan === null) return { applied: 0, changed: [] };
  const { applied, changed } = await finishInteractionBatch(client, target, plan);
  return { applied, changed };
}

/**
 * First half of `applyInteractionBatch`: reads the stored states it does not know, sends the timeline insert and
 * folds every event as new (what a catch-up sees). Writes nothing else, so the pipelined projector can run it while
 * the previous batch is still being written on another connection. Null: no interaction event in the batch.
 */
export async function planInteractionBatch(
  client: ClientBase,
  target: ProjectionTarget,
  events: RecordedEvent[],
  known: KnownInteractions,
  options: PlanOptions = {},
): Promise<PlannedBatch | null> {
  const { tables } = target;
  const timeline = events.filter((event) => event.streamId.startsWith(INTERACTION_STREAM_PREFIX)).map(toTimelineRow);
  if (timeline.length === 0) return null;

  // Every conversation of the batch (a superset of those that will change): read before the insert, in the same transaction.
  const candidates = groupNewEvents(timeline, null);
  const existingById = new Map<string, StoredInteraction>();
  const forcedRefold = new Set<string>();
  const unknown: string[] = [];
  for (const conversationId of candidates.keys()) {
    const row = known(conversationId);
    if (row === 'refold') forcedRefold.add(conversationId);
    else if (row) existingById.set(conversationId, row);
    else unknown.push(conversationId);
  }
  if (unknown.length > 0) {
    const existing = await client.query<StoredInteraction>(
      `SELECT conversation_id, state, fold_key, event_count, sort_time FROM ${tables.interactions}
       WHERE conversation_id = ANY($1::text[])`,
      [unknown],
    );
    for (const row of existing.rows) existingById.set(row.conversation_id, row);
  }

  // Sent now and awaited after the fold: the fold below runs while PostgreSQL inserts.
  const insertion = options.timelineIsNew === true ? insertNewTimeline(client, target, timeline) : insertTimeline(client, target, timeline);
  insertion.catch(() => undefined); // awaited in finishInteractionBatch; a fold error must not leave it unhandled

  let planned: PlannedStates | null = null;
  let foldError: unknown = null;
  try {
    planned = await planStates(target, candidates, existingById, forcedRefold);
  } catch (error) {
    foldError = error; // thrown later only if the events it saw are all new (a database error wins over it)
  }
  return { timeline, candidates, existingById, insertion, planned, foldError, forcedRefold };
}

export interface PlanOptions {
  /**
   * The caller knows no timeline row at these positions exists (they are all past the highest one, in strictly rising
   * order, and it alone writes the table): the rows are inserted without ON CONFLICT. Should a row be there after
   * all, the insert fails on the key and the transaction with it: nothing is skipped or written twice.
   */
  timelineIsNew?: boolean;
}

/** Second half: re-plans if some events were already applied, re-folds late conversations, writes rows and contributions. */
export async function finishInteractionBatch(client: ClientBase, target: ProjectionTarget, plan: PlannedBatch): Promise<FinishedBatch> {
  const { tables } = target;
  const { timeline, candidates, existingById } = plan;
  let byConversation = candidates;
  let planned = plan.planned;
  let asPlanned = true;
  const newPositions = await plan.insertion;
  // Some rows were not new: an event applied before (a redelivery, a restart), or the same event twice in the batch.
  const regrouped = newPositions === null ? null : groupNewEvents(timeline, new Set(newPositions));
  if (regrouped !== null && countRows(regrouped) !== countRows(candidates)) {
    asPlanned = false;
    byConversation = regrouped;
    if (byConversation.size === 0) return { applied: 0, changed: [], asPlanned, written: [] };
    planned = await planStates(target, byConversation, existingById, plan.forcedRefold);
  } else if (planned === null) {
    throw plan.foldError;
  }
  const { states, refold } = planned;
  if (refold.length > 0) {
    const history = await client.query<{
      conversation_id: string;
      event_id: string;
      event_type: string;
      event_time: Date | null;
      data: Record<string, unknown>;
      topic_version: string | null;
    }>(
      `SELECT conversation_id, event_id, event_type, event_time, data, metadata->>'topicVersion' AS topic_version
       FROM (${timelineWithBodiesSql(tables.events)}) timeline WHERE conversation_id = ANY($1::text[])`,
      [refold],
    );
    const grouped = new Map<string, FoldableEvent[]>();
    for (const row of history.rows) {
      const list = grouped.get(row.conversation_id) ?? [];
      list.push(
        toFoldable(
          { eventId: row.event_id, eventType: row.event_type, eventTime: row.event_time?.toISOString() ?? null, data: row.data, topicVersion: row.topic_version },
          target.upcasters,
        ),
      );
      grouped.set(row.conversation_id, list);
    }
    for (const conversationId of refold) {
      const { events, lastKey } = inFoldOrder(grouped.get(conversationId) ?? []);
      states.set(conversationId, {
        state: evolveAll(initialInteractionState(conversationId), events, target.extensions),
        foldKey: lastKey ?? '',
        eventCount: events.length,
      });
    }
  }

  const lastPosition = new Map<string, string>();
  for (const [conversationId, rows] of byConversation) {
    lastPosition.set(conversationId, rows.reduce((max, row) => (BigInt(row.position) > BigInt(max) ? row.position : max), '0'));
  }
  const written = storedRows(states, byConversation, existingById);
  const interactionRows = written.map((row) =>
    toInteractionRow(row.state, { foldKey: row.fold_key, eventCount: row.event_count, position: lastPosition.get(row.conversation_id) ?? '0', sortTime: row.sort_time.toISOString() }),
  );
  const newStates = [...states.values()].map((entry) => entry.state);
  await upsertInteractions(client, tables, interactionRows, queueChanges(newStates, await storedQueues(client, tables, newStates, existingById, plan.forcedRefold)));
  await replaceQueueContributions(client, target, newStates);

  return {
    applied: [...byConversation.values()].reduce((sum, rows) => sum + rows.length, 0),
    changed: newStates,
    asPlanned,
    written,
  };
}

/**
 * The rows a plan will write if it commits as planned (no event already applied), and the conversations it re-folds,
 * whose rows are only known once the batch before it has committed.
 */
export function plannedRows(plan: PlannedBatch): { rows: StoredInteraction[]; undecided: string[] } {
  if (plan.planned === null) return { rows: [], undecided: [...plan.candidates.keys()] };
  return { rows: storedRows(plan.planned.states, plan.candidates, plan.existingById), undecided: plan.planned.refold };
}

function storedRows(states: Map<string, PlannedState>, byConversation: Map<string, TimelineRow[]>, existingById: Map<string, StoredInteraction>): StoredInteraction[] {
  return [...states.entries()].map(([conversationId, entry]) => {
    const previous = existingById.get(conversationId);
    // Fixed when the row is first written (the upsert keeps it), so a guess for a forced re-fold without `previous` is harmless.
    const sortTime = previous?.sort_time ?? new Date(entry.state.startedAt ?? earliest(byConversation.get(conversationId) ?? []) ?? Date.now());
    return { conversation_id: conversationId, state: entry.state, fold_key: entry.foldKey, event_count: entry.eventCount, sort_time: sortTime };
  });
}

/**
 * Timeline rows, idempotent: keyed by (position, event id), one per stored event. Resolves with the positions of
 * the rows that were new, or null when all of them were (what a catch-up nearly always sees): the answer is then one
 * row, not one per event. The conflict names no key, so a version keyed by event id (made by a release before
 * TimelineKeyedByPosition1733800000000) is written the same way.
 */
function insertTimeline(client: ClientBase, target: ProjectionTarget, timeline: TimelineRow[]): Promise<string[] | null> {
  const { columns, select, values } = timelineSource(target, timeline);
  return client
    .query<{ positions: string[] | null }>(
      `WITH inserted AS (
         INSERT INTO ${target.tables.events} (${columns})
         ${select}
         ON CONFLICT DO NOTHING
         RETURNING position
       )
       SELECT CASE WHEN count(*) < ${timeline.length} THEN coalesce(array_agg(position), '{}') END AS positions FROM inserted`,
      values,
    )
    .then((result) => result.rows[0]?.positions ?? null);
}

/**
 * Timeline rows the caller knows are new (PlanOptions.timelineIsNew): a plain insert. `insertTimeline`'s conflict
 * check made each row cost PostgreSQL half as much again (20,000 rows into a copy of the table: 120 against 80 ms of
 * backend CPU, medians of sixteen), and a catch-up's rows are all new.
 */
function insertNewTimeline(client: ClientBase, target: ProjectionTarget, timeline: TimelineRow[]): Promise<null> {
  const { columns, select, values } = timelineSource(target, timeline);
  return client.query(`INSERT INTO ${target.tables.events} (${columns}) ${select}`, values).then(() => null);
}

/** The timeline's columns, the SELECT that makes the rows, and its parameters. */
function timelineSource(target: ProjectionTarget, timeline: TimelineRow[]): { columns: string; select: string; values: unknown[] } {
  const keys = 'event_id, conversation_id, event_type, event_time, received_at, position';
  if (target.storeEventsTable !== undefined) {
    // The store's table is at hand: only the positions and the times the projector derived travel, as binary arrays
    // (no JSON or date text for PostgreSQL to parse); the id and the stream come from the stored event, and the bodies
    // stay there (null here: timelineWithBodiesSql reads them by position). The lateral probe (LIMIT: never flattened
    // into a hash join over the whole store) is LEFT: an event missing from the store (it cannot be: it was just read
    // from there) fails the NOT NULL columns loudly instead of being counted as already applied.
    return {
      columns: keys,
      select: `SELECT s.event_id, substr(s.stream_id, ${INTERACTION_STREAM_PREFIX.length + 1}), s.event_type, r.event_time, r.received_at, s.position
       FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS r(position, event_time, received_at)
       LEFT JOIN LATERAL (SELECT * FROM ${target.storeEventsTable} e WHERE e.position = r.position LIMIT 1) s ON true`,
      values: [
        binaryInt8Array(timeline.map((row) => row.position)),
        binaryTimestamptzArray(timeline.map((row) => (row.eventTime === null ? null : Date.parse(row.eventTime)))),
        binaryTimestamptzArray(timeline.map((row) => Date.parse(row.receivedAt))),
      ],
    };
  }
  // The bodies travel (EventStoreDB): one JSON document, parsed once by PostgreSQL.
  const document = JSON.stringify(
    timeline.map((row) => ({
      event_id: row.eventId,
      conversation_id: row.conversationId,
      event_type: row.eventType,
      event_time: row.eventTime,
      received_at: row.receivedAt,
      position: row.position,
      data: row.data,
      metadata: row.metadata,
    })),
  );
  const columns = `${keys}, data, metadata`;
  return {
    columns,
    select: `SELECT ${columns}
       FROM json_to_recordset($1::json) AS r(event_id uuid, conversation_id text, event_type text, event_time timestamptz,
                                             received_at timestamptz, position bigint, data json, metadata json)`,
    values: [document],
  };
}

type PlannedState = { state: InteractionState; foldKey: string; eventCount: number };
interface PlannedStates {
  states: Map<string, PlannedState>;
  /** Conversations with an event older than what was applied: their whole history is folded again. */
  refold: string[];
}

/** The events to apply per conversation: each event id once (its first row), only rows at `newPositions` when given. */
function groupNewEvents(timeline: TimelineRow[], newPositions: Set<string> | null): Map<string, TimelineRow[]> {
  const seen = new Set<string>();
  const byConversation = new Map<string, TimelineRow[]>();
  for (const row of timeline) {
    if (seen.has(row.eventId) || (newPositions !== null && !newPositions.has(row.position))) continue;
    seen.add(row.eventId); // the same event twice in one batch is applied once
    const list = byConversation.get(row.conversationId);
    if (list) list.push(row);
    else byConversation.set(row.conversationId, [row]);
  }
  return byConversation;
}

function countRows(byConversation: Map<string, TimelineRow[]>): number {
  let count = 0;
  for (const rows of byConversation.values()) count += rows.length;
  return count;
}

/** Sorted by `compareFoldOrder`, each key computed once (the order of `foldSortKey`, which it is defined by). */
function inFoldOrder(events: FoldableEvent[]): { events: FoldableEvent[]; firstKey: string | undefined; lastKey: string | undefined } {
  const keyed = events.map((event) => ({ event, key: foldSortKey(event) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { events: keyed.map(({ event }) => event), firstKey: keyed[0]?.key, lastKey: keyed[keyed.length - 1]?.key };
}

/** Longest stretch the fold of a batch keeps the event loop: the API shares it when the service runs every role. */
const FOLD_SLICE_MS = 10;

/** New states from the stored ones (in order: carried on; new: folded; out of order: left to a re-fold). */
async function planStates(
  target: ProjectionTarget,
  byConversation: Map<string, TimelineRow[]>,
  existingById: Map<string, StoredInteraction>,
  forcedRefold: ReadonlySet<string>,
): Promise<PlannedStates> {
  const states = new Map<string, PlannedState>();
  const refold: string[] = [];
  let sliceStarted = performance.now();
  for (const [conversationId, rows] of byConversation) {
    if (performance.now() - sliceStarted > FOLD_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
    if (forcedRefold.has(conversationId)) {
      refold.push(conversationId);
      continue;
    }
    // The fields toFoldable reads, named: spreading the whole row here was 4% of the projector's busy time in a catch-up.
    const foldable = rows.map((row) =>
      toFoldable({ eventId: row.eventId, eventType: row.eventType, eventTime: row.eventTime, data: row.data, topicVersion: topicVersionOf(row.metadata) }, target.upcasters),
    );
    const { events, firstKey, lastKey } = inFoldOrder(foldable);
    if (firstKey === undefined || lastKey === undefined) continue;
    const previous = existingById.get(conversationId);
    if (!previous) {
      // Event ids are unique here, so this is foldInteraction without its de-duplication and sort.
      states.set(conversationId, { state: evolveAll(initialInteractionState(conversationId), events, target.extensions), foldKey: lastKey, eventCount: events.length });
    } else if (previous.fold_key < firstKey) {
      // In order: carry on from the stored state.
      states.set(conversationId, { state: evolveAll(previous.state, events, target.extensions), foldKey: lastKey, eventCount: previous.event_count + events.length });
    } else {
      refold.push(conversationId);
    }
  }
  return { states, refold };
}

function earliest(rows: TimelineRow[]): string | null {
  const times = rows.map((row) => row.eventTime ?? row.receivedAt).sort();
  return times[0] ?? null;
}

const INTERACTION_COLUMNS = `conversation_id text, sort_time timestamptz, started_at timestamptz, ended_at timestamptz,
  last_event_time timestamptz, media_type text, direction text, phase text, ani text, dnis text, queue_ids text[],
  user_ids text[], wrapup_codes text[], external_contact_ids text[], disconnect_type text, acd_outcome text,
  abandoned boolean, metrics json, fold_key text, event_count integer, position bigint`;

/** Queues a row gained and lost, as parallel arrays of (conversation id, queue id). */
interface QueueChanges {
  added: { conversationIds: string[]; queueIds: string[] };
  left: { conversationIds: string[]; queueIds: string[] };
}

/**
 * The queues each changed row had: from the stored states already read, and read only for re-folds planned without
 * their stored row (handed over by the batch before, in the pipelined projector).
 */
async function storedQueues(
  client: ClientBase,
  tables: ProjectionTables,
  states: InteractionState[],
  existingById: Map<string, StoredInteraction>,
  forcedRefold: ReadonlySet<string>,
): Promise<Map<string, readonly string[]>> {
  const queues = new Map<string, readonly string[]>();
  for (const [conversationId, row] of existingById) queues.set(conversationId, row.state.queueIds);
  const unread = states.map((state) => state.conversationId).filter((id) => forcedRefold.has(id) && !queues.has(id));
  if (unread.length > 0) {
    const stored = await client.query<{ conversation_id: string; queue_ids: string[] }>(
      `SELECT conversation_id, queue_ids FROM ${tables.interactions} WHERE conversation_id = ANY($1::text[])`,
      [unread],
    );
    for (const row of stored.rows) queues.set(row.conversation_id, row.queue_ids);
  }
  return queues;
}

/**
 * What each changed row's queue lookup rows need, from the queues it had and the new state. Queues normally only
 * accumulate (a catch-up batch mostly changes rows without touching their queues); one is left after a re-fold, or a
 * fold that now reads a queue differently.
 */
function queueChanges(states: InteractionState[], storedQueueIds: Map<string, readonly string[]>): QueueChanges {
  const changes: QueueChanges = { added: { conversationIds: [], queueIds: [] }, left: { conversationIds: [], queueIds: [] } };
  const note = (into: QueueChanges['added'], conversationId: string, queueIds: readonly string[], except: readonly string[]) => {
    for (const queueId of queueIds) {
      if (except.includes(queueId)) continue;
      into.conversationIds.push(conversationId);
      into.queueIds.push(queueId);
    }
  };
  for (const state of states) {
    const before = storedQueueIds.get(state.conversationId) ?? [];
    note(changes.added, state.conversationId, state.queueIds, before);
    note(changes.left, state.conversationId, before, state.queueIds);
  }
  return changes;
}

/**
 * The rows and their queue lookup rows in one statement. Lookup rows take the stored sort_time (an existing row keeps
 * its own, whatever precision the service would read it back with) and the row's list item as it was just stored;
 * those that exist already get it from the interactions' trigger (QUEUE_LIST_ITEMS_FUNCTION_SQL).
 */
async function upsertInteractions(client: ClientBase, tables: ProjectionTables, rows: InteractionRow[], queues: QueueChanges): Promise<void> {
  const names = INTERACTION_COLUMNS.split(',').map((column) => column.trim().split(/\s+/)[0] as string);
  const updates = [...names, 'state'].filter((name) => name !== 'conversation_id' && name !== 'sort_time').map((name) => `${name} = excluded.${name}`);
  // The states travel apart, each as its JSON text in a binary text[]: inside the JSON document PostgreSQL lexed every
  // state twice (as part of the document, then as jsonb) and copied it in between. Zipped back by position (ROWS FROM).
  await client.query(
    `WITH upserted AS (
       INSERT INTO ${tables.interactions} (${names.join(', ')}, state)
       SELECT ${names.join(', ')}, state::jsonb
       FROM ROWS FROM (json_to_recordset($1::json) AS (${INTERACTION_COLUMNS}), unnest($6::text[])) AS r(${names.join(', ')}, state)
       ON CONFLICT (conversation_id) DO UPDATE SET ${updates.join(', ')}, updated_at = now()
       RETURNING conversation_id, sort_time, list_item
     ), left_queues AS (
       DELETE FROM ${tables.queues} q USING upserted u, unnest($4::text[], $5::text[]) AS l(conversation_id, queue_id)
       WHERE l.conversation_id = u.conversation_id AND q.queue_id = l.queue_id AND q.sort_time = u.sort_time AND q.conversation_id = u.conversation_id
     )
     INSERT INTO ${tables.queues} (queue_id, sort_time, conversation_id, list_item)
     SELECT a.queue_id, u.sort_time, u.conversation_id, u.list_item
     FROM upserted u JOIN unnest($2::text[], $3::text[]) AS a(conversation_id, queue_id) USING (conversation_id)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(rows.map((row) => row.columns)),
      queues.added.conversationIds,
      queues.added.queueIds,
      queues.left.conversationIds,
      queues.left.queueIds,
      binaryTextArray(rows.map((row) => JSON.stringify(row.state))),
    ],
  );
}

const CONTRIBUTION_COLUMNS = `conversation_id text, queue_id text, interval_start timestamptz, n_offered integer,
  n_answered integer, n_abandoned integer, n_flow_out integer, t_acd_sum bigint, t_acd_max bigint,
  t_answered_sum bigint, t_talk_sum bigint, t_held_sum bigint, t_acw_sum bigint, t_handle_sum bigint,
  n_answered_within_sl integer`;

/**
 * Contributions are a function of each conversation's state: replace them, then re-aggregate every queue interval
 * they touched before or after (sums and maxima alike stay exact whatever the order events arrived in).
 */
async function replaceQueueContributions(client: ClientBase, target: ProjectionTarget, states: InteractionState[]): Promise<void> {
  const { contributions, intervals } = target.tables;
  const ids = states.map((state) => state.conversationId);
  const removed = await client.query<{ queue_id: string; interval_start: Date }>(
    `DELETE FROM ${contributions} WHERE conversation_id = ANY($1::text[]) RETURNING queue_id, interval_start`,
    [ids],
  );
  const rows = states.flatMap((state) =>
    queueContributions(state, { serviceLevelMs: target.serviceLevelMs }).map((contribution) => toContributionRow(state.conversationId, contribution)),
  );
  if (rows.length > 0) {
    const names = CONTRIBUTION_COLUMNS.split(',').map((column) => column.trim().split(/\s+/)[0] as string);
    await client.query(
      `INSERT INTO ${contributions} (${names.join(', ')})
       SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS r(${CONTRIBUTION_COLUMNS})`,
      [JSON.stringify(rows)],
    );
  }
  const keys = new Map<string, [string, string]>();
  for (const row of removed.rows) keys.set(`${row.queue_id}|${row.interval_start.toISOString()}`, [row.queue_id, row.interval_start.toISOString()]);
  for (const row of rows) {
    const start = new Date(row['interval_start'] as string).toISOString();
    keys.set(`${row['queue_id'] as string}|${start}`, [row['queue_id'] as string, start]);
  }
  if (keys.size === 0) return;
  const queueIds = [...keys.values()].map(([queueId]) => queueId);
  const starts = [...keys.values()].map(([, start]) => start);
  await client.query(
    `DELETE FROM ${intervals} q USING unnest($1::text[], $2::timestamptz[]) AS k(queue_id, interval_start)
     WHERE q.queue_id = k.queue_id AND q.interval_start = k.interval_start`,
    [queueIds, starts],
  );
  await client.query(
    `INSERT INTO ${intervals}
     SELECT c.queue_id, c.interval_start, sum(n_offered), sum(n_answered), sum(n_abandoned), sum(n_flow_out),
            sum(t_acd_sum), max(t_acd_max), sum(t_answered_sum), sum(t_talk_sum), sum(t_held_sum), sum(t_acw_sum),
            sum(t_handle_sum), sum(n_answered_within_sl)
     FROM ${contributions} c
     JOIN unnest($1::text[], $2::timestamptz[]) AS k(queue_id, interval_start)
       ON c.queue_id = k.queue_id AND c.interval_start = k.interval_start
     GROUP BY c.queue_id, c.interval_start`,
    [queueIds, starts],
  );
}
