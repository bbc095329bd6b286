import { describe, expect, it } from 'vitest';
import { createInteractionTablesSql, InteractionListItems1732900000000 } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';

describe('migration InteractionListItems1732900000000', () => {
  const db = useDatabaseBefore(InteractionListItems1732900000000);

  const metrics = { tTalk: 1000, abandoned: false };
  const insertRow = (table: string, conversationId: string) =>
    db.client.query(
      `INSERT INTO ${table} (conversation_id, sort_time, started_at, media_type, phase, ani, queue_ids, user_ids, state, metrics,
                             fold_key, event_count, position)
       VALUES ($1, '2026-03-02T09:00:00.123456Z', '2026-03-02T09:00:00.123456Z', 'voice', 'ended', 'tel:+1 "quoted"',
               '{q-sales,q-support}', '{}', '{}', $2, 'k', 7, 1)`,
      [conversationId, JSON.stringify(metrics)],
    );
  const itemOf = async (table: string, conversationId: string) =>
    JSON.parse((await db.client.query<{ list_item: string }>(`SELECT list_item FROM ${table} WHERE conversation_id = $1`, [conversationId])).rows[0]?.list_item ?? 'null') as unknown;
  const expected = (conversationId: string, stale: boolean) => ({
    conversationId,
    startedAt: '2026-03-02T09:00:00.123Z',
    endedAt: null,
    mediaType: 'voice',
    direction: null,
    phase: 'ended',
    ani: 'tel:+1 "quoted"',
    dnis: null,
    queueIds: ['q-sales', 'q-support'],
    userIds: [],
    wrapupCodes: [],
    disconnectType: null,
    acdOutcome: null,
    abandoned: false,
    eventCount: 7,
    stale,
    metrics,
  });

  it('gives every existing version its list items, kept current by PostgreSQL on every later write', async () => {
    await insertRow('interactions__v1', 'c-1');
    await db.client.query('CREATE TABLE interactions__v2 (LIKE interactions__v1 INCLUDING ALL)');
    await insertRow('interactions__v2', 'c-2');

    await db.migrate();

    // Through the view the list reads, and on the version a rebuild was filling.
    expect(await itemOf('interactions', 'c-1')).toEqual(expected('c-1', false));
    expect(await itemOf('interactions__v2', 'c-2')).toEqual(expected('c-2', false));
    // A dead letter marks a row stale without rewriting it: the item follows.
    await db.client.query(`UPDATE interactions__v1 SET stale = true WHERE conversation_id = 'c-1'`);
    expect(await itemOf('interactions', 'c-1')).toEqual(expected('c-1', true));
    // A writer that knows nothing of the column (an older release mid-deploy) still leaves a right item.
    await db.client.query(`UPDATE interactions__v1 SET event_count = 8, stale = false WHERE conversation_id = 'c-1'`);
    expect(await itemOf('interactions', 'c-1')).toEqual({ ...expected('c-1', false), eventCount: 8 });
    // A version created now has the same column and storage.
    for (const statement of createInteractionTablesSql(3)) await db.client.query(statement);
    const storage = await db.client.query<{ relname: string; reloptions: string[] }>(
      `SELECT relname, reloptions FROM pg_class WHERE relname IN ('interactions__v1', 'interactions__v2', 'interactions__v3') ORDER BY relname`,
    );
    expect(storage.rows.map((row) => row.reloptions)).toEqual([['toast_tuple_target=4080'], ['toast_tuple_target=4080'], ['toast_tuple_target=4080']]);
    await insertRow('interactions__v3', 'c-3');
    expect(await itemOf('interactions__v3', 'c-3')).toEqual(expected('c-3', false));
  });
});
