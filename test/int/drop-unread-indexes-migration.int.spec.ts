import { describe, expect, it } from 'vitest';
import { createInteractionIndexesSql, createInteractionTablesSql, DropUnreadIndexes1733100000000 } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';

describe('migration DropUnreadIndexes1733100000000', () => {
  const db = useDatabaseBefore(DropUnreadIndexes1733100000000);

  const indexesOf = async (...tables: string[]) =>
    (
      await db.client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = ANY($1::text[]) ORDER BY indexname', [tables])
    ).rows.map((row) => row.indexname);

  it('drops the started_at and event_time indexes of every version; ranges of started_at still use an index', async () => {
    // Version 2 as a rebuild of the previous release left it: its own tables with both indexes (and no trigger yet).
    for (const statement of createInteractionTablesSql(2).filter((sql) => !sql.includes('TRIGGER'))) await db.client.query(statement);
    await db.client.query('CREATE INDEX interactions__v2_started ON interactions__v2 (started_at)');
    await db.client.query('CREATE INDEX interaction_events__v2_time ON interaction_events__v2 (event_time)');
    const before = await indexesOf('interactions__v1', 'interaction_events__v1', 'interactions__v2', 'interaction_events__v2');
    expect(before).toEqual(expect.arrayContaining(['interactions__v1_started', 'interaction_events__v1_time', 'interactions__v2_started', 'interaction_events__v2_time']));

    await db.migrate();

    const after = await indexesOf('interactions__v1', 'interaction_events__v1', 'interactions__v2', 'interaction_events__v2');
    // Later migrations add indexes of their own (`_spans`): only these two are gone.
    expect(after.filter((name) => !name.endsWith('_spans'))).toEqual(before.filter((name) => !/_started$|_time$/.test(name)));
    expect(after).toEqual(expect.arrayContaining(['interactions__v1_active', 'interaction_events__v1_timeline']));
    // A version created from now on never has them.
    for (const statement of [...createInteractionTablesSql(3), ...createInteractionIndexesSql(3)]) await db.client.query(statement);
    const created = await indexesOf('interactions__v3', 'interaction_events__v3');
    expect(created).not.toContain('interactions__v3_started');
    expect(created).not.toContain('interaction_events__v3_time');
    expect(created).toContain('interactions__v3_active');

    // One day of interactions a minute apart: an hour of them is found through (started_at, ended_at).
    await db.client.query(
      `INSERT INTO interactions__v1 (conversation_id, sort_time, started_at, state, fold_key, event_count, position)
       SELECT 'c-' || n, t, t, '{}', 'k', 1, n FROM generate_series(1, 1440) AS n, LATERAL (SELECT timestamptz '2026-03-02T00:00:00Z' + n * interval '1 minute' AS t) AS s`,
    );
    await db.client.query('ANALYZE interactions__v1');
    const plan = await db.client.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON) SELECT conversation_id FROM interactions
       WHERE started_at >= '2026-03-02T09:00:00Z' AND started_at < '2026-03-02T10:00:00Z'`,
    );
    expect(JSON.stringify(plan.rows[0]?.['QUERY PLAN'])).toContain('"Index Name":"interactions__v1_active"');
    const found = await db.client.query(`SELECT count(*)::int AS n FROM interactions WHERE started_at >= '2026-03-02T09:00:00Z' AND started_at < '2026-03-02T10:00:00Z'`);
    expect(found.rows[0]).toEqual({ n: 60 });
  });
});
