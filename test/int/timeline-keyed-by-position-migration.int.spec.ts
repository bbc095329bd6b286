import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { createInteractionTablesSql, INTERACTION_PROJECTOR_LOCK, TimelineKeyedByPosition1733800000000 } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';

describe('migration TimelineKeyedByPosition1733800000000', () => {
  const db = useDatabaseBefore(TimelineKeyedByPosition1733800000000);
  const TYPE = 'v2.detail.events.conversation.{id}.customer.start';

  const keyOf = async (table: string) =>
    (await db.client.query<{ key: string }>("SELECT pg_get_constraintdef(oid) AS key FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'p'", [table])).rows.map(
      (row) => row.key,
    );
  const insert = (table: string, eventId: string, position: number) =>
    db.client.query<{ position: string }>(
      `INSERT INTO ${table} (event_id, conversation_id, event_type, event_time, received_at, position, data, metadata)
       VALUES ($1, 'c-1', $2, now(), now(), $3, '{}', '{}') ON CONFLICT DO NOTHING RETURNING position`,
      [eventId, TYPE, position],
    );
  const rows = async (table: string) => (await db.client.query(`SELECT event_id, position FROM ${table} ORDER BY position`)).rows;

  it('keys every version’s timeline by (position, event id), keeps its rows, and goes back down', async () => {
    // The active version and one a rebuild is filling (its tables as that release made them: keyed by event id).
    for (const statement of createInteractionTablesSql(2).filter((sql) => !sql.includes('TRIGGER'))) await db.client.query(statement);
    await db.client.query('ALTER TABLE interaction_events__v2 DROP CONSTRAINT interaction_events__v2_pkey, ADD PRIMARY KEY (event_id)');
    const [first, second] = [randomUUID(), randomUUID()];
    for (const table of ['interaction_events__v1', 'interaction_events__v2']) {
      await insert(table, first, 10);
      await insert(table, second, 11);
      expect(await keyOf(table)).toEqual(['PRIMARY KEY (event_id)']);
    }
    const before = await rows('interaction_events__v1');

    // A projector of the earlier release still writing (its single-writer lock held): the migration refuses to run.
    const earlierProjector = new Client({ connectionString: db.url });
    await earlierProjector.connect();
    try {
      await earlierProjector.query('SELECT pg_advisory_lock($1, 1)', [INTERACTION_PROJECTOR_LOCK]);
      await expect(db.migrate()).rejects.toThrow(/a projector is writing to this database .*stop every older instance's projector role/);
      expect(await keyOf('interaction_events__v1')).toEqual(['PRIMARY KEY (event_id)']);
    } finally {
      await earlierProjector.end();
    }

    await db.migrate();

    for (const table of ['interaction_events__v1', 'interaction_events__v2']) {
      expect(await keyOf(table)).toEqual(['PRIMARY KEY ("position", event_id)']);
      expect(await rows(table)).toEqual(before);
      // A stored event is applied once: a second insert of it is skipped; another event is never taken for it.
      expect((await insert(table, first, 10)).rows).toEqual([]);
      expect((await insert(table, randomUUID(), 12)).rows).toEqual([{ position: '12' }]);
      expect((await insert(table, randomUUID(), 10)).rows).toEqual([{ position: '10' }]);
    }

    await db.revert();
    for (const table of ['interaction_events__v1', 'interaction_events__v2']) expect(await keyOf(table)).toEqual(['PRIMARY KEY (event_id)']);
    expect((await insert('interaction_events__v1', first, 13)).rows).toEqual([]);
  });
});
