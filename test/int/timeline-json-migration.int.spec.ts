import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TimelineBodiesAsJson1732700000000 } from '@ledger/projections';
import { useDatabaseBefore } from '../support/migration-fixture';

describe('migration TimelineBodiesAsJson1732700000000', () => {
  const db = useDatabaseBefore(TimelineBodiesAsJson1732700000000);

  it('turns the timeline bodies of existing rows into json, keeping their content, and points the view back at the active version', async () => {
    const eventId = randomUUID();
    const data = { conversationId: 'c-1', nested: { list: [1, 'two', null], flag: true } };
    await db.client.query(
      `INSERT INTO interaction_events__v1 (event_id, conversation_id, event_type, event_time, received_at, position, data, metadata)
       VALUES ($1, 'c-1', 'v2.detail.events.conversation.{id}.customer.start', now(), now(), 1, $2, $3)`,
      [eventId, JSON.stringify(data), JSON.stringify({ topicVersion: '2' })],
    );
    await db.migrate();

    const types = await db.client.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'interaction_events__v1' AND column_name IN ('data', 'metadata') ORDER BY column_name",
    );
    expect(types.rows).toEqual([
      { column_name: 'data', data_type: 'json' },
      { column_name: 'metadata', data_type: 'json' },
    ]);
    const row = await db.client.query("SELECT data, metadata->>'topicVersion' AS topic_version FROM interaction_events WHERE event_id = $1", [eventId]);
    expect(row.rows).toEqual([{ data, topic_version: '2' }]);
  });
});
