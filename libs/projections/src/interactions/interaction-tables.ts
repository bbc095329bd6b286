import { POSTGRES_EVENTS_TABLE } from '@ledger/event-store';
import type { ProjectionTables } from './apply-interaction-batch';

/** The views queries read, each backed by one physical table of the active version. */
export const INTERACTION_VIEWS = {
  interactions: 'interactions',
  events: 'interaction_events',
  contributions: 'queue_contributions',
  intervals: 'queue_intervals',
  queues: 'interaction_queues',
} as const satisfies Record<keyof ProjectionTables, string>;

export function interactionTables(version: number): ProjectionTables {
  return {
    interactions: `interactions__v${version}`,
    events: `interaction_events__v${version}`,
    contributions: `queue_contributions__v${version}`,
    intervals: `queue_intervals__v${version}`,
    queues: `interaction_queues__v${version}`,
  };
}

/** What one conversation adds to a queue interval (`queue_contributions`), and their sums (`queue_intervals`). */
const QUEUE_METRIC_COLUMNS = `n_offered integer NOT NULL, n_answered integer NOT NULL, n_abandoned integer NOT NULL,
      n_flow_out integer NOT NULL, t_acd_sum bigint NOT NULL, t_acd_max bigint NOT NULL, t_answered_sum bigint NOT NULL,
      t_talk_sum bigint NOT NULL, t_held_sum bigint NOT NULL, t_acw_sum bigint NOT NULL, t_handle_sum bigint NOT NULL,
      n_answered_within_sl integer NOT NULL`;

/** An ISO instant as JavaScript writes one (`2026-03-02T09:00:00.000Z`), or null. */
const isoSql = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A row's item in `GET /v1/interactions` (an InteractionListItemDto), rendered by PostgreSQL from the row's columns
 * as compact JSON (row_to_json writes no spaces: a page is 7% smaller than json_build_object's). Declared IMMUTABLE
 * so a generated column can call it: its output depends only on its arguments (fixed UTC, numeric to_char
 * patterns), though PostgreSQL marks to_char and row_to_json STABLE for other uses.
 */
export const LIST_ITEM_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION interaction_list_item(
    conversation_id text, started_at timestamptz, ended_at timestamptz, media_type text, direction text, phase text,
    ani text, dnis text, queue_ids text[], user_ids text[], wrapup_codes text[], disconnect_type text,
    acd_outcome text, abandoned boolean, event_count integer, stale boolean, metrics json)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT row_to_json(item)::text FROM (SELECT
      conversation_id AS "conversationId", ${isoSql('started_at')} AS "startedAt", ${isoSql('ended_at')} AS "endedAt",
      media_type AS "mediaType", direction, phase, ani, dnis, queue_ids AS "queueIds", user_ids AS "userIds",
      wrapup_codes AS "wrapupCodes", disconnect_type AS "disconnectType", acd_outcome AS "acdOutcome", abandoned,
      event_count AS "eventCount", stale, metrics) AS item
  $$`;

/**
 * The list item, kept by PostgreSQL beside the columns it is made of: every write (the projector's upsert, a dead
 * letter marking the row stale, a writer of an older release during a rolling deploy) refreshes it, and a page of the
 * list reads fifty of them instead of building fifty JSON objects per request (a third of its PostgreSQL time).
 */
export const LIST_ITEM_COLUMN_SQL = `list_item text GENERATED ALWAYS AS (interaction_list_item(
    conversation_id, started_at, ended_at, media_type, direction, phase, ani, dnis, queue_ids, user_ids, wrapup_codes,
    disconnect_type, acd_outcome, abandoned, event_count, stale, metrics)) STORED`;

/**
 * A timestamptz as microseconds since 1970 (float8; ±infinity as ±1e17). Written out in each function rather than a
 * function of its own: CREATE INDEX runs with search_path = pg_catalog (PostgreSQL 17), where an unqualified call of
 * another function of ours is not found, and a function that sets its own search_path is never inlined.
 */
const epochMicrosSql = (column: string): string => `CASE WHEN ${column} = 'infinity' THEN 1e17 WHEN ${column} = '-infinity' THEN -1e17
                   ELSE (extract(epoch FROM ${column} - timestamptz '1970-01-01 00:00:00+00') * 1000000)::float8 END`;

/**
 * An interaction is in progress at T when started_at <= T < ended_at (or it has not ended). A GiST index answers that
 * for any T by reading the rows in progress and no others, where walking the list's order had to read every older
 * interaction to know none of them was still in progress. Each row is a point (start, end) in microseconds since 1970
 * (exact in a float8 until the year 2255); the rows in progress at T are the points in the box x <= T, y > T. Points
 * rather than tstzrange spans: a GiST insert costs about half as much (7–10 µs against 17–23 µs a row written;
 * 1,000,000 rows built in 3 s against 17 s), and the projector rewrites each interaction a few times. A row without a start, or with
 * an end not after its start, lies at x = 1e17, in no instant's box (`?activeAt=` never listed those). IMMUTABLE and
 * plain SQL: PostgreSQL inlines them, in the index and in the query alike.
 */
export const ACTIVE_SPAN_FUNCTIONS_SQL = [
  `CREATE OR REPLACE FUNCTION interaction_span_point(started_at timestamptz, ended_at timestamptz) RETURNS point
     LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
       SELECT CASE WHEN started_at IS NULL OR ended_at <= started_at THEN point(1e17, 0)
                   ELSE point(${epochMicrosSql('started_at')}, coalesce(${epochMicrosSql('ended_at')}, 1e17)) END
     $$`,
  `CREATE OR REPLACE FUNCTION interaction_active_at_box(instant timestamptz) RETURNS box
     LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
       SELECT box(point(-1e18, ${epochMicrosSql('instant')} + 1), point(${epochMicrosSql('instant')}, 1e18))
     $$`,
];

/** The GiST index of a version's span points (ACTIVE_SPAN_FUNCTIONS_SQL). */
export const activeSpansIndexSql = (version: number): string => {
  const i = interactionTables(version).interactions;
  return `CREATE INDEX IF NOT EXISTS ${i}_spans ON ${i} USING gist (interaction_span_point(started_at, ended_at))`;
};

/** A row of `interactions` in progress at `atParam` (started_at <= T < ended_at), in the form its GiST index serves. */
export const activeAtSql = (atParam: string): string =>
  `interaction_span_point(started_at, ended_at) <@ interaction_active_at_box(${atParam}::timestamptz)`;

/**
 * Keeps the list item each queue lookup row carries equal to its interaction's, whoever writes the interaction (the
 * projector, a dead letter marking it stale, a writer of an older release): once per statement, over the rows it
 * changed (the transition table), probing the lookup rows by key. The lookup table is the trigger's argument (one per
 * version). Rows inserted with their item (the projector's) are left alone. Scans, hash and merge joins are ruled out:
 * PostgreSQL has no statistics on a transition table, and a plan that read the whole lookup table for a few changed
 * rows would cost every write.
 */
export const QUEUE_LIST_ITEMS_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION interaction_queues_follow_list_items()
  RETURNS trigger LANGUAGE plpgsql
  SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  EXECUTE format(
    'UPDATE %I AS q SET list_item = n.list_item FROM changed_interactions AS n
     WHERE q.queue_id = ANY(n.queue_ids) AND q.sort_time = n.sort_time AND q.conversation_id = n.conversation_id
       AND q.list_item IS DISTINCT FROM n.list_item',
    TG_ARGV[0]);
  RETURN NULL;
END
$$`;

/** The trigger of one version (QUEUE_LIST_ITEMS_FUNCTION_SQL); dropped first, so running it again is harmless. */
export function queueListItemsTriggerSql(version: number): string[] {
  const t = interactionTables(version);
  const trigger = `${t.interactions}_queue_list_items`;
  return [
    `DROP TRIGGER IF EXISTS ${trigger} ON ${t.interactions}`,
    `CREATE TRIGGER ${trigger} AFTER UPDATE ON ${t.interactions} REFERENCING NEW TABLE AS changed_interactions
     FOR EACH STATEMENT EXECUTE FUNCTION interaction_queues_follow_list_items('${t.queues}')`,
  ];
}

/**
 * A row (state ≈ 1.6 KB, list item ≈ 0.6 KB) passes PostgreSQL's default 2 KB toast target, and every write then
 * compressed its state and every read of it decompressed it again. Up to 4 KB stays inline and uncompressed: rows
 * take more room, writes and by-id reads less CPU (20,000 row inserts: 241 ms at 2 KB, 193 ms with the list item at 4 KB).
 * States have grown since (the bench's workload: ~2.9 KB of JSON when ended), and 9 ended rows in 10 pass 4 KB and
 * are compressed again (pglz, 3% of PostgreSQL's catch-up time; the embedded build has no lz4).
 */
export const INTERACTIONS_STORAGE = 'toast_tuple_target = 4080';

/** Tables of one version with their primary keys only: a rebuild bulk-loads them, then adds the indexes. */
export function createInteractionTablesSql(version: number): string[] {
  const t = interactionTables(version);
  // interaction_list_item() comes from migration InteractionListItems1732900000000, which runs before any version is
  // created: created here too, it would be replaced concurrently by every instance starting a rebuild.
  return [
    `CREATE TABLE IF NOT EXISTS ${t.interactions} (
      conversation_id text PRIMARY KEY,
      -- Newest-first order of the list; fixed when the row is first written so keyset pages never shift.
      sort_time timestamptz NOT NULL,
      started_at timestamptz,
      ended_at timestamptz,
      last_event_time timestamptz,
      media_type text,
      direction text,
      phase text,
      ani text,
      dnis text,
      queue_ids text[] NOT NULL DEFAULT '{}',
      user_ids text[] NOT NULL DEFAULT '{}',
      wrapup_codes text[] NOT NULL DEFAULT '{}',
      external_contact_ids text[] NOT NULL DEFAULT '{}',
      disconnect_type text,
      acd_outcome text,
      abandoned boolean NOT NULL DEFAULT false,
      state jsonb NOT NULL,
      -- state->'metrics' again, so the list does not detoast the whole state for it.
      metrics json,
      fold_key text NOT NULL,
      event_count integer NOT NULL,
      position bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      -- Events of this conversation are parked in dead_letters: the state may be missing them.
      stale boolean NOT NULL DEFAULT false,
      ${LIST_ITEM_COLUMN_SQL}
    ) WITH (${INTERACTIONS_STORAGE})`,
    `CREATE TABLE IF NOT EXISTS ${t.events} (
      event_id uuid NOT NULL,
      conversation_id text NOT NULL,
      event_type text NOT NULL,
      event_time timestamptz,
      received_at timestamptz NOT NULL,
      position bigint NOT NULL,
      -- json, not jsonb: stored as received, never queried inside (see TimelineBodiesAsJson1732700000000).
      -- Null: the bodies are the stored event's, at this position in the same database (timelineWithBodiesSql).
      data json,
      metadata json,
      -- One row per stored event. Position first (TimelineKeyedByPosition1733800000000): the projector inserts in
      -- position order, so each row goes to the key's last page, not to a random one as a key led by the id did. The id
      -- second, so two events are never taken for one should a store ever give them the same position.
      PRIMARY KEY (position, event_id)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.contributions} (
      conversation_id text NOT NULL,
      queue_id text NOT NULL,
      interval_start timestamptz NOT NULL,
      ${QUEUE_METRIC_COLUMNS},
      PRIMARY KEY (conversation_id, queue_id, interval_start)
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.intervals} (
      queue_id text NOT NULL,
      interval_start timestamptz NOT NULL,
      ${QUEUE_METRIC_COLUMNS},
      PRIMARY KEY (queue_id, interval_start)
    )`,
    // One row per (queue in queue_ids, interaction): the list by queue walks this key instead of filtering every row,
    // and reads each row's list item here rather than probing its interaction (a page's PostgreSQL CPU 340 → 160 µs).
    // list_item is null in a row an older release wrote: the list then reads the interaction's.
    `CREATE TABLE IF NOT EXISTS ${t.queues} (
      queue_id text NOT NULL,
      sort_time timestamptz NOT NULL,
      conversation_id text NOT NULL,
      list_item text,
      PRIMARY KEY (queue_id, sort_time, conversation_id)
    )`,
    // interaction_queues_follow_list_items() comes from migration QueueRowsCarryListItems1733400000000.
    ...queueListItemsTriggerSql(version),
  ];
}

/**
 * Secondary indexes of one version (idempotent). Only indexes a query reads: every projector write updates each one.
 * Ranges of started_at (from, to) are served by `_active`, whose leading column it is, `?activeAt=` by `_spans`;
 * timelines are read by conversation.
 */
export function createInteractionIndexesSql(version: number): string[] {
  const t = interactionTables(version);
  const i = t.interactions;
  return [
    `CREATE INDEX IF NOT EXISTS ${i}_sort ON ${i} (sort_time DESC, conversation_id DESC)`,
    `CREATE INDEX IF NOT EXISTS ${i}_active ON ${i} (started_at, ended_at)`,
    activeSpansIndexSql(version),
    `CREATE INDEX IF NOT EXISTS ${i}_queues ON ${i} USING gin (queue_ids)`,
    `CREATE INDEX IF NOT EXISTS ${i}_users ON ${i} USING gin (user_ids)`,
    `CREATE INDEX IF NOT EXISTS ${i}_wrapups ON ${i} USING gin (wrapup_codes)`,
    `CREATE INDEX IF NOT EXISTS ${i}_contacts ON ${i} USING gin (external_contact_ids)`,
    `CREATE INDEX IF NOT EXISTS ${i}_ani ON ${i} (ani)`,
    `CREATE INDEX IF NOT EXISTS ${i}_dnis ON ${i} (dnis)`,
    `CREATE INDEX IF NOT EXISTS ${t.events}_timeline ON ${t.events} (conversation_id, event_time, event_id)`,
    `CREATE INDEX IF NOT EXISTS ${t.contributions}_interval ON ${t.contributions} (queue_id, interval_start)`,
  ];
}

/**
 * A timeline table's rows with their bodies. Where the event store shares the read models' database (the embedded
 * default) the projector leaves a row's data and metadata null: they are the stored event's, read here by position,
 * and the timeline does not hold every body a second time (it was larger than the store itself). Rows projected from
 * a store elsewhere (EventStoreDB, another database) carry their own. One probe of the store's key per row, only for
 * rows without bodies and only when a query reads them (LIMIT: never flattened into a join over the whole store).
 */
export function timelineWithBodiesSql(table: string): string {
  return `SELECT t.event_id, t.conversation_id, t.event_type, t.event_time, t.received_at, t.position,
         coalesce(t.data, s.data) AS data, coalesce(t.metadata, s.metadata) AS metadata
       FROM ${table} t
       LEFT JOIN LATERAL (
         SELECT ${storedBodySql('e')} AS data, e.metadata
         FROM ${POSTGRES_EVENTS_TABLE} e WHERE t.data IS NULL AND e.position = t.position LIMIT 1
       ) s ON true`;
}

/** A stored event's body as the timeline gives it: a stored null body reads as {}, as on the copying path. */
export const storedBodySql = (alias: string): string => `CASE WHEN json_typeof(${alias}.data) = 'null' THEN '{}'::json ELSE ${alias}.data END`;

/** Points the stable views at one version; run inside a transaction, the swap is atomic for readers. */
export function pointViewsSql(version: number): string[] {
  const t = interactionTables(version);
  return (Object.keys(INTERACTION_VIEWS) as (keyof ProjectionTables)[]).flatMap((key) => [
    `DROP VIEW IF EXISTS ${INTERACTION_VIEWS[key]}`,
    `CREATE VIEW ${INTERACTION_VIEWS[key]} AS ${key === 'events' ? timelineWithBodiesSql(t[key]) : `SELECT * FROM ${t[key]}`}`,
  ]);
}

export function dropInteractionTablesSql(version: number): string[] {
  return Object.values(interactionTables(version)).map((table) => `DROP TABLE IF EXISTS ${table}`);
}
