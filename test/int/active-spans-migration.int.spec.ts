import { describe, expect, it } from 'vitest';
import { createInteractionTablesSql, InteractionActiveSpans1733700000000 } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';

describe('migration InteractionActiveSpans1733700000000', () => {
  const db = useDatabaseBefore(InteractionActiveSpans1733700000000);

  const indexesOf = async (...tables: string[]) =>
    (
      await db.client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = ANY($1::text[]) ORDER BY indexname', [tables])
    ).rows.map((row) => row.indexname);
  /** Whether the row (startedAt, endedAt) is listed as in progress at `at`. */
  const inProgressAt = async (startedAt: string | null, endedAt: string | null, at: string) =>
    (
      await db.client.query<{ active: boolean }>('SELECT interaction_span_point($1, $2) <@ interaction_active_at_box($3) AS active', [startedAt, endedAt, at])
    ).rows[0]?.active;

  it('indexes the spans of every indexed version, leaves a version still filling to its rebuild, and goes back down', async () => {
    // Version 2 as a rebuild fills it: tables with their keys, no secondary index yet.
    for (const statement of createInteractionTablesSql(2).filter((sql) => !sql.includes('TRIGGER'))) await db.client.query(statement);
    await db.client.query(
      `INSERT INTO interactions__v1 (conversation_id, sort_time, started_at, ended_at, state, fold_key, event_count, position)
       VALUES ('c-1', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z', '2026-03-02T09:05:00Z', '{}', 'k', 1, 1)`,
    );

    await db.migrate();

    expect(await indexesOf('interactions__v1', 'interactions__v2')).toEqual(expect.arrayContaining(['interactions__v1_spans']));
    expect(await indexesOf('interactions__v2')).not.toContain('interactions__v2_spans');
    // started_at <= T < ended_at, to the microsecond; not ended: from its start on.
    const [start, end] = ['2026-03-02T09:00:00Z', '2026-03-02T09:05:00Z'];
    expect(await inProgressAt(start, end, start)).toBe(true);
    expect(await inProgressAt(start, end, '2026-03-02T08:59:59.999999Z')).toBe(false);
    expect(await inProgressAt(start, end, '2026-03-02T09:04:59.999999Z')).toBe(true);
    expect(await inProgressAt(start, end, end)).toBe(false);
    expect(await inProgressAt(start, null, '2030-01-01T00:00:00Z')).toBe(true);
    expect(await inProgressAt(start, 'infinity', '2030-01-01T00:00:00Z')).toBe(true);
    expect(await inProgressAt('1969-12-31T23:59:59.000001Z', '1970-01-01T00:00:00.000001Z', '1970-01-01T00:00:00Z')).toBe(true);
    // No start, or an end not after the start: in progress at no instant (and writing the row raises no error).
    expect(await inProgressAt(null, end, start)).toBe(false);
    expect(await inProgressAt(end, start, '2026-03-02T09:02:00Z')).toBe(false);
    expect(await inProgressAt(end, end, end)).toBe(false);
    expect(await inProgressAt('infinity', null, '2030-01-01T00:00:00Z')).toBe(false);
    const active = await db.client.query(
      `SELECT conversation_id FROM interactions WHERE interaction_span_point(started_at, ended_at) <@ interaction_active_at_box($1)`,
      ['2026-03-02T09:04:59Z'],
    );
    expect(active.rows).toEqual([{ conversation_id: 'c-1' }]);

    await db.revert();
    expect(await indexesOf('interactions__v1')).not.toContain('interactions__v1_spans');
    const fn = await db.client.query("SELECT count(*)::int AS n FROM pg_proc WHERE proname IN ('interaction_span_point', 'interaction_active_at_box')");
    expect(fn.rows).toEqual([{ n: 0 }]);
    // Undone already: reverting through it again is refused, not a walk down every older migration.
    await expect(db.revert()).rejects.toThrow('InteractionActiveSpans1733700000000 was never applied');
  });
});
