import type { MigrationInterface, QueryRunner } from 'typeorm';
import { EVENTS_CHANNEL } from '../postgres/postgres-append';
import { POSITION_TRANSACTION_SHIFT } from '../postgres/postgres-rows';

/**
 * The function's body after the stream locks (the insert, the notification), reading the batch from `rowsQuery`:
 * rows of (event_id uuid, stream_id text, event_type text, data json, metadata json, ordinal), in batch order.
 * Shared with AppendLocksWithoutRewriting1733300000000 (which changed only how streams are locked) and
 * AppendTakesArrays1733500000000 (which reads the batch from columns). The text this gives for the JSON batch must
 * never change: migrations that ran keep the function they made.
 */
export const appendAnyAfterLocksSql = (rowsQuery: string): string => `  -- Drops the ids already stored and the repeats inside the batch (first occurrence wins), numbers the rest per
  -- stream after the locked revision and per transaction in batch order, inserts them and moves each stream once.
  RETURN QUERY
    WITH rows AS (
      ${rowsQuery}
    ), fresh AS (
      SELECT DISTINCT ON (r.event_id) r.* FROM rows AS r
      WHERE NOT EXISTS (SELECT 1 FROM ledger_events AS e WHERE e.event_id = r.event_id)
      ORDER BY r.event_id, r.ordinal
    ), numbered AS (
      SELECT f.*, s.revision + row_number() OVER (PARTITION BY f.stream_id ORDER BY f.ordinal) AS next_revision,
             row_number() OVER (ORDER BY f.ordinal) AS n
      FROM fresh AS f JOIN ledger_streams AS s ON s.stream_id = f.stream_id
    ), inserted AS (
      INSERT INTO ledger_events AS e (position, event_id, stream_id, revision, event_type, data, metadata)
      SELECT (pg_current_xact_id()::text::bigint << ${POSITION_TRANSACTION_SHIFT}) + nb.n, nb.event_id, nb.stream_id,
             nb.next_revision, nb.event_type, coalesce(nb.data, 'null'::json), nb.metadata
      FROM numbered AS nb
      RETURNING e.event_id, e.revision, e.position
    ), moved AS (
      UPDATE ledger_streams AS s SET revision = m.last_revision
      FROM (SELECT nb.stream_id, max(nb.next_revision) AS last_revision FROM numbered AS nb GROUP BY nb.stream_id) AS m
      WHERE s.stream_id = m.stream_id
    )
    SELECT 'e'::text, i.event_id::text, i.revision, i.position FROM inserted AS i;
  -- Delivered only if the transaction commits.
  IF FOUND THEN
    PERFORM pg_notify('${EVENTS_CHANNEL}', '');
  END IF;
END
$function$`;

/** The batch bound as one JSON array. */
const JSON_BATCH_ROWS = `SELECT * FROM ROWS FROM (json_to_recordset(batch)
                    AS (event_id uuid, stream_id text, event_type text, data json, metadata json))
           WITH ORDINALITY AS t(event_id, stream_id, event_type, data, metadata, ordinal)`;

export const APPEND_ANY_AFTER_LOCKS_SQL = appendAnyAfterLocksSql(JSON_BATCH_ROWS);

/**
 * `ledger_append_any(batch, stream_ids)`: the append of a batch whose requests all expect `any`, as one statement
 * with its values bound, not spelled out as SQL literals (PostgreSQL's SQL lexer spent 8–12% of an ingest's server
 * time scanning the batch's JSON inside a string literal). Called outside an explicit transaction, the statement is
 * its own transaction. Being VOLATILE plpgsql, each statement inside takes its own snapshot, so the insert, which
 * runs after the stream locks are held, sees every batch that committed in these streams before them.
 *
 * `batch`: a JSON array of {event_id, stream_id, event_type, data, metadata} in request order. `stream_ids`: the
 * batch's streams, sorted. Returns one row per locked stream (kind 's', its revision before the batch) and one per
 * inserted event (kind 'e', its revision and position).
 */
export const APPEND_ANY_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION ledger_append_any(batch json, stream_ids text[])
  RETURNS TABLE (kind text, id text, revision bigint, event_position bigint)
  LANGUAGE plpgsql VOLATILE
  -- Planned at each call, as the tables stand: a plan cached while they were small (a fresh store) would go on
  -- scanning them whole once they have grown.
  SET plan_cache_mode = force_custom_plan
  AS $function$
BEGIN
  -- Creates the missing streams and locks them all, in stream order: two batches never deadlock.
  RETURN QUERY
    INSERT INTO ledger_streams AS s (stream_id, revision)
    SELECT t.stream_id, -1 FROM unnest(stream_ids) AS t(stream_id) ORDER BY t.stream_id
    ON CONFLICT (stream_id) DO UPDATE SET revision = s.revision
    RETURNING 's'::text, s.stream_id, s.revision, NULL::bigint;
${APPEND_ANY_AFTER_LOCKS_SQL}`;

export class AppendFunction1733000000000 implements MigrationInterface {
  name = 'AppendFunction1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(APPEND_ANY_FUNCTION_SQL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION IF EXISTS ledger_append_any(json, text[])');
  }
}
