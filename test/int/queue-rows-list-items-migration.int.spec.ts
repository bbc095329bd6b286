import { describe, expect, it } from 'vitest';
import { createInteractionTablesSql, interactionTables, QueueRowsCarryListItems1733400000000 } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';
import { queueLookupDrift } from '../support/pipeline';

describe('migration QueueRowsCarryListItems1733400000000', () => {
  const db = useDatabaseBefore(QueueRowsCarryListItems1733400000000);

  /** An interaction and its lookup rows as the release before wrote them: the lookup rows without an item. */
  const insertInteraction = async (version: number, conversationId: string, sortTime: string, queueIds: string[]) => {
    const t = interactionTables(version);
    await db.client.query(
      `INSERT INTO ${t.interactions} (conversation_id, sort_time, queue_ids, state, fold_key, event_count, position) VALUES ($1, $2, $3, '{}', 'k', 1, 1)`,
      [conversationId, sortTime, queueIds],
    );
    for (const queueId of queueIds) {
      await db.client.query(`INSERT INTO ${t.queues} (queue_id, sort_time, conversation_id) VALUES ($1, $2, $3)`, [queueId, sortTime, conversationId]);
    }
  };
  const itemOf = async (table: string, conversationId: string) =>
    (await db.client.query<{ item: { conversationId: string; stale: boolean; eventCount: number } }>(`SELECT list_item::json AS item FROM ${table} WHERE conversation_id = $1`, [conversationId])).rows.map(
      (row) => row.item,
    );

  it("fills every version's lookup rows with their interactions' items, then keeps them equal whoever updates an interaction", async () => {
    await insertInteraction(1, 'c-transferred', '2026-03-02T09:00:00Z', ['q-sales', 'q-support']);
    await insertInteraction(1, 'c-sales', '2026-03-02T09:05:00Z', ['q-sales']);
    // A rebuild filling version 2 meanwhile, its tables as the release before made them.
    await db.client.query('CREATE TABLE interactions__v2 (LIKE interactions__v1 INCLUDING ALL)');
    await db.client.query('CREATE TABLE interaction_queues__v2 (LIKE interaction_queues__v1 INCLUDING ALL)');
    await insertInteraction(2, 'c-transferred', '2026-03-02T09:00:00Z', ['q-sales', 'q-support']);
    // And version 3 left half made by a rebuild stopped while creating its tables: no lookup table yet.
    await db.client.query('CREATE TABLE interactions__v3 (LIKE interactions__v1 INCLUDING ALL)');

    await db.migrate();

    for (const version of [1, 2]) {
      const t = interactionTables(version);
      expect(await queueLookupDrift(db.client, t)).toEqual({ missing: [], extra: [], staleItems: [] });
      const filled = expect.objectContaining({ conversationId: 'c-transferred', stale: false, eventCount: 1 });
      expect(await itemOf(t.queues, 'c-transferred')).toEqual([filled, filled]);
    }
    // The view was made again, with the column.
    const view = await db.client.query<{ conversation_id: string; list_item: string | null }>("SELECT conversation_id, list_item FROM interaction_queues WHERE queue_id = 'q-sales' ORDER BY sort_time DESC");
    expect(view.rows.map((row) => [row.conversation_id, row.list_item !== null])).toEqual([
      ['c-sales', true],
      ['c-transferred', true],
    ]);

    // Any writer of an interaction, in any version (a dead letter marking it stale, an older release's projector):
    // its lookup rows follow, in the same statement.
    await db.client.query("UPDATE interactions__v1 SET stale = true, event_count = 7 WHERE conversation_id = 'c-transferred'");
    await db.client.query("UPDATE interactions__v2 SET event_count = 3 WHERE conversation_id = 'c-transferred'");
    expect(await itemOf('interaction_queues__v1', 'c-transferred')).toEqual([
      expect.objectContaining({ stale: true, eventCount: 7 }),
      expect.objectContaining({ stale: true, eventCount: 7 }),
    ]);
    expect(await itemOf('interaction_queues__v2', 'c-transferred')).toEqual([
      expect.objectContaining({ stale: false, eventCount: 3 }),
      expect.objectContaining({ stale: false, eventCount: 3 }),
    ]);
    expect(await itemOf('interaction_queues__v1', 'c-sales')).toEqual([expect.objectContaining({ stale: false, eventCount: 1 })]);
    for (const version of [1, 2]) expect(await queueLookupDrift(db.client, interactionTables(version))).toEqual({ missing: [], extra: [], staleItems: [] });
    // The half-made version was left for its rebuild to finish: its interactions can still be written.
    await db.client.query(
      "INSERT INTO interactions__v3 (conversation_id, sort_time, state, fold_key, event_count, position) VALUES ('c-3', now(), '{}', 'k', 1, 1)",
    );
    await db.client.query("UPDATE interactions__v3 SET event_count = 2 WHERE conversation_id = 'c-3'");
    for (const statement of createInteractionTablesSql(3)) await db.client.query(statement);
    await insertInteraction(3, 'c-queued', '2026-03-02T09:20:00Z', ['q-sales']);
    await db.client.query("UPDATE interactions__v3 SET event_count = 5 WHERE conversation_id = 'c-queued'");
    expect(await itemOf('interaction_queues__v3', 'c-queued')).toEqual([expect.objectContaining({ eventCount: 5 })]);
  });
});
