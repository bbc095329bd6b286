import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldInteraction, type InteractionState } from '@ledger/domain';
import { InteractionProjector, applyInteractionBatch, INTERACTIONS_PROJECTION, type ProjectorStatus } from '@ledger/projections';
import { generateTraffic } from '../../apps/cli/src/simulate/generate-traffic';
import { appendCanonical, createStoreDatabase, dumpReadModels, toCanonicalEvents, truncateReadModels, type StoreDatabase } from '../support/pipeline';

async function runUntilCaughtUp(db: StoreDatabase, connectionString = db.database.url, batchSize = 97): Promise<ProjectorStatus> {
  const projector = new InteractionProjector(db.store, { connectionString, batchSize });
  projector.start();
  const head = (await db.store.headPosition())?.toString();
  const deadline = Date.now() + 60_000;
  while (!(projector.status().phase === 'live' && projector.status().position === head)) {
    if (Date.now() > deadline) throw new Error(`projector did not catch up: ${JSON.stringify(projector.status())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await projector.stop();
  return projector.status();
}

describe('interaction projector', () => {
  let db: StoreDatabase;
  const traffic = generateTraffic({ seed: 7, conversations: 120, startTime: new Date('2026-03-02T09:00:00Z'), duplicateRate: 0.05, reorderRate: 0.1 });

  beforeAll(async () => {
    db = await createStoreDatabase();
    await appendCanonical(db.store, toCanonicalEvents(traffic.deliveries));
  });
  afterAll(async () => db?.dispose());

  it('builds one row per conversation equal to the pure fold of its events, despite reordering and duplicates', async () => {
    await runUntilCaughtUp(db);
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      const rows = await client.query<{ conversation_id: string; state: InteractionState; event_count: number }>('SELECT conversation_id, state, event_count FROM interactions');
      expect(rows.rows).toHaveLength(traffic.conversations.length);
      for (const conversation of traffic.conversations) {
        const row = rows.rows.find((candidate) => candidate.conversation_id === conversation.conversationId);
        const expected = foldInteraction(
          conversation.conversationId,
          toCanonicalEvents(conversation.events).map((event) => ({ eventId: event.eventId, eventType: event.eventType, data: event.data, eventTime: event.metadata.eventTime })),
        );
        expect(row?.state).toEqual(expected);
        expect(row?.event_count).toBe(new Set(toCanonicalEvents(conversation.events).map((event) => event.eventId)).size);
      }
      const timeline = await client.query('SELECT count(*)::int AS n FROM interaction_events');
      const distinct = new Set(traffic.conversations.flatMap((conversation) => toCanonicalEvents(conversation.events).map((event) => event.eventId)));
      expect(timeline.rows[0].n).toBe(distinct.size);
    } finally {
      await client.end();
    }
  });

  it('changes nothing when every batch is applied a second time', async () => {
    const before = await dumpReadModels(db.database.url);
    const events = await db.store.readAll({ maxCount: 100_000 });
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      for (let offset = 0; offset < events.length; offset += 250) {
        await client.query('BEGIN');
        const result = await applyInteractionBatch(client, INTERACTIONS_PROJECTION, events.slice(offset, offset + 250));
        await client.query('COMMIT');
        expect(result.applied).toBe(0);
      }
    } finally {
      await client.end();
    }
    expect(await dumpReadModels(db.database.url)).toEqual(before);
  });

  it('a full rebuild from position 0 yields the same read models', async () => {
    const before = await dumpReadModels(db.database.url);
    await truncateReadModels(db.database.url);
    await runUntilCaughtUp(db);
    expect(await dumpReadModels(db.database.url)).toEqual(before);
  });

  it('pipelined batches (each planned while the one before commits) build what one batch builds', async () => {
    // Batches of 13 events: nearly every conversation spans batches, late events re-fold across them.
    await truncateReadModels(db.database.url);
    const pipelined = await runUntilCaughtUp(db, db.database.url, 13);
    expect(pipelined.batchesReapplied).toBe(0); // every batch committed as planned: the pipeline was not bypassed
    const inBatchesOf13 = await dumpReadModels(db.database.url);
    await truncateReadModels(db.database.url);
    const single = await runUntilCaughtUp(db, db.database.url, 1_000_000);
    expect(single.eventsApplied).toBe(pipelined.eventsApplied);
    expect(await dumpReadModels(db.database.url)).toEqual(inBatchesOf13);
  });
});

describe('timeline bodies: copied inside PostgreSQL or sent as JSON', () => {
  let db: StoreDatabase;
  const traffic = generateTraffic({ seed: 8, conversations: 30, startTime: new Date('2026-03-03T09:00:00Z') });
  const timeline = async () => {
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      const rows = await client.query(
        'SELECT event_id, conversation_id, event_type, event_time, received_at, position::text, data::text, metadata::text FROM interaction_events ORDER BY event_id',
      );
      return rows.rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await createStoreDatabase();
    await appendCanonical(db.store, toCanonicalEvents(traffic.deliveries));
    // A stored event without a body: the fold sees {} either way.
    const [first] = traffic.conversations;
    await db.store.appendToStream(`interaction-${first?.conversationId}`, [
      { eventId: '00000000-0000-4000-8000-00000000b0d1', eventType: 'v2.detail.events.conversation.{id}.attributes', data: null, metadata: { topicVersion: '2' } },
    ]);
  });
  afterAll(async () => db?.dispose());

  it('store the same rows, a null body included', async () => {
    // Same database as the store: the projector copies bodies from ledger_events.
    await runUntilCaughtUp(db);
    const copied = await timeline();
    const projected = await dumpReadModels(db.database.url);
    // Another connection string for the same database: the projector cannot assume it, and sends bodies as JSON.
    await truncateReadModels(db.database.url);
    await runUntilCaughtUp(db, `${db.database.url}${db.database.url.includes('?') ? '&' : '?'}application_name=timeline-as-json`);
    expect(await timeline()).toEqual(copied);
    expect(await dumpReadModels(db.database.url)).toEqual(projected);
    expect(copied.find((row) => row.event_id === '00000000-0000-4000-8000-00000000b0d1')).toMatchObject({ data: '{}' });
    expect(copied.length).toBeGreaterThan(traffic.conversations.length * 10);
  });
});

