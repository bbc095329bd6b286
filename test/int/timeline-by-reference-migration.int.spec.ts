import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TimelineBodiesByReference1733600000000 } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';

describe('migration TimelineBodiesByReference1733600000000', () => {
  const db = useDatabaseBefore(TimelineBodiesByReference1733600000000);
  const TYPE = 'v2.detail.events.conversation.{id}.customer.start';
  const copied = { id: randomUUID(), data: { conversationId: 'c-1', nested: { list: [1, 'two', null] } }, metadata: { topicVersion: '2' } };
  const stored = { id: randomUUID(), position: 4242, data: { conversationId: 'c-1', queueId: 'q-1' }, metadata: { topicVersion: '1', source: 'webhook' } };
  const storedNull = { id: randomUUID(), position: 4243 };

  const nullable = async (table: string) =>
    (
      await db.client.query<{ column_name: string; is_nullable: string }>(
        "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = $1 AND column_name IN ('data', 'metadata') ORDER BY column_name",
        [table],
      )
    ).rows.map((row) => `${row.column_name} ${row.is_nullable}`);
  const timeline = async () =>
    (await db.client.query<{ event_id: string; data: unknown; metadata: unknown }>('SELECT event_id, data, metadata FROM interaction_events ORDER BY position')).rows;

  it('lets rows leave their bodies in the store, reads them through the view, keeps copied rows as they were, and goes back down', async () => {
    // Before: a row projected with its bodies, a version a rebuild is filling, and two stored events.
    await db.client.query(
      `INSERT INTO interaction_events__v1 (event_id, conversation_id, event_type, event_time, received_at, position, data, metadata)
       VALUES ($1, 'c-1', $2, now(), now(), 1, $3, $4)`,
      [copied.id, TYPE, JSON.stringify(copied.data), JSON.stringify(copied.metadata)],
    );
    await db.client.query('CREATE TABLE interaction_events__v2 (LIKE interaction_events__v1 INCLUDING ALL)');
    await db.client.query('CREATE TABLE interactions__v2 (LIKE interactions__v1 INCLUDING ALL)');
    for (const event of [
      { ...stored, data: JSON.stringify(stored.data), metadata: JSON.stringify(stored.metadata) },
      { ...storedNull, data: 'null', metadata: '{}' },
    ]) {
      await db.client.query(
        `INSERT INTO ledger_events (position, event_id, stream_id, revision, event_type, data, metadata)
         VALUES ($1, $2, 'interaction-c-1', $1, $3, $4, $5)`,
        [event.position, event.id, TYPE, event.data, event.metadata],
      );
    }

    await db.migrate();

    expect(await nullable('interaction_events__v1')).toEqual(['data YES', 'metadata YES']);
    expect(await nullable('interaction_events__v2')).toEqual(['data YES', 'metadata YES']);
    for (const event of [stored, storedNull]) {
      await db.client.query(
        `INSERT INTO interaction_events__v1 (event_id, conversation_id, event_type, event_time, received_at, position)
         VALUES ($1, 'c-1', $2, now(), now(), $3)`,
        [event.id, TYPE, event.position],
      );
    }
    const expected = [
      { event_id: copied.id, data: copied.data, metadata: copied.metadata },
      { event_id: stored.id, data: stored.data, metadata: stored.metadata },
      { event_id: storedNull.id, data: {}, metadata: {} },
    ];
    expect(await timeline()).toEqual(expected);

    await db.revert();
    expect(await nullable('interaction_events__v1')).toEqual(['data NO', 'metadata NO']);
    expect(await nullable('interaction_events__v2')).toEqual(['data NO', 'metadata NO']);
    expect(await timeline()).toEqual(expected);
    const physical = await db.client.query('SELECT count(*)::int AS n FROM interaction_events__v1 WHERE data IS NULL OR metadata IS NULL');
    expect(physical.rows).toEqual([{ n: 0 }]);
  });
});
