import { describe, expect, it } from 'vitest';
import { createInteractionTablesSql, InteractionQueuesAndMetrics1732800000000, interactionTables } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';
import { queueLookupDrift } from '../support/pipeline';

describe('migration InteractionQueuesAndMetrics1732800000000', () => {
  const db = useDatabaseBefore(InteractionQueuesAndMetrics1732800000000);

  const insertRow = (table: string, conversationId: string, sortTime: string, queueIds: string[], tTalk: number) =>
    db.client.query(
      `INSERT INTO ${table} (conversation_id, sort_time, queue_ids, state, fold_key, event_count, position)
       VALUES ($1, $2, $3, $4, 'k', 1, 1)`,
      [conversationId, sortTime, queueIds, JSON.stringify({ conversationId, queueIds, metrics: { tTalk, abandoned: false } })],
    );
  const columnsOf = async (table: string) =>
    (
      await db.client.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY column_name',
        [table],
      )
    ).rows;
  const viewTarget = async (view: string) =>
    /FROM (\w+)/.exec((await db.client.query<{ definition: string }>('SELECT definition FROM pg_views WHERE viewname = $1', [view])).rows[0]?.definition ?? '')?.[1];

  it('fills the queue lookup table and metrics of every existing version, and points the views at the active one', async () => {
    const v1 = interactionTables(1);
    await insertRow(v1.interactions, 'c-transferred', '2026-03-02T09:00:00.123456Z', ['q-sales', 'q-support'], 1000);
    await insertRow(v1.interactions, 'c-sales', '2026-03-02T09:05:00Z', ['q-sales'], 2000);
    await insertRow(v1.interactions, 'c-ivr-only', '2026-03-02T09:10:00Z', [], 0);
    // A rebuild filling version 2 meanwhile (its table as the previous migrations left version 1's).
    await db.client.query('CREATE TABLE interactions__v2 (LIKE interactions__v1 INCLUDING ALL)');
    await insertRow('interactions__v2', 'c-transferred', '2026-03-02T09:00:00.123456Z', ['q-sales', 'q-support'], 1000);

    await db.migrate();

    const lookup = await db.client.query<{ queue_id: string; conversation_id: string; sort_time: Date }>(
      'SELECT queue_id, conversation_id, sort_time FROM interaction_queues ORDER BY queue_id, sort_time DESC',
    );
    expect(lookup.rows.map((row) => `${row.queue_id} ${row.conversation_id}`)).toEqual(['q-sales c-sales', 'q-sales c-transferred', 'q-support c-transferred']);
    const sortTimes = await db.client.query<{ same: boolean }>(
      `SELECT bool_and(q.sort_time = i.sort_time) AS same FROM interaction_queues q JOIN interactions i USING (conversation_id)`,
    );
    expect(sortTimes.rows[0]?.same).toBe(true);
    for (const version of [1, 2]) {
      expect(await queueLookupDrift(db.client, { interactions: `interactions__v${version}`, queues: `interaction_queues__v${version}` })).toEqual({ missing: [], extra: [], staleItems: [] });
    }
    const metrics = await db.client.query<{ conversation_id: string; metrics: unknown }>('SELECT conversation_id, metrics FROM interactions ORDER BY conversation_id');
    expect(metrics.rows).toEqual([
      { conversation_id: 'c-ivr-only', metrics: { tTalk: 0, abandoned: false } },
      { conversation_id: 'c-sales', metrics: { tTalk: 2000, abandoned: false } },
      { conversation_id: 'c-transferred', metrics: { tTalk: 1000, abandoned: false } },
    ]);
    const v2Metrics = await db.client.query<{ metrics: unknown }>('SELECT metrics FROM interactions__v2');
    expect(v2Metrics.rows).toEqual([{ metrics: { tTalk: 1000, abandoned: false } }]);
    expect([await viewTarget('interactions'), await viewTarget('interaction_queues')]).toEqual(['interactions__v1', 'interaction_queues__v1']);

    // A migrated version has the columns a version created now has, so a rebuild and a rollback see the same views.
    for (const statement of createInteractionTablesSql(3)) await db.client.query(statement);
    expect(await columnsOf('interactions__v1')).toEqual(await columnsOf('interactions__v3'));
    expect(await columnsOf('interaction_queues__v1')).toEqual(await columnsOf('interaction_queues__v3'));
  });
});
