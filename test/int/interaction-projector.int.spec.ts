import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESYS_UPCASTERS, UpcasterRegistry, foldInteraction, type FoldableEvent, type InteractionState } from '@ledger/domain';
import {
  InteractionProjector,
  applyInteractionBatch,
  finishInteractionBatch,
  planInteractionBatch,
  INTERACTIONS_PROJECTION,
  type ProjectionTarget,
  type ProjectorStatus,
} from '@ledger/projections';
import type { RecordedEvent } from '@ledger/event-store';
import { ConversationScript } from '../../libs/domain/src/interaction/testing/conversation-script';
import { generateTraffic } from '../../apps/cli/src/simulate/generate-traffic';
import {
  appendCanonical,
  createStoreDatabase,
  dumpReadModels,
  queueLookupDrift,
  toCanonicalEvents,
  truncateReadModels,
  type StoreDatabase,
} from '../support/pipeline';

async function runUntilCaughtUp(db: StoreDatabase, connectionString = db.database.url, batchSize = 97, pipelined = true): Promise<ProjectorStatus> {
  const projector = new InteractionProjector(db.store, { connectionString, batchSize, pipelined });
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
      // A lookup row per queue of each row, transfers (several queues) included.
      expect(await queueLookupDrift(client, INTERACTIONS_PROJECTION.tables)).toEqual({ missing: [], extra: [], staleItems: [] });
      const transferred = traffic.conversations.filter((conversation) => conversation.queueIds.length > 1);
      expect(transferred.length).toBeGreaterThan(0);
      const lookup = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM interaction_queues');
      expect(lookup.rows[0]?.n).toBe(traffic.conversations.reduce((sum, conversation) => sum + new Set(conversation.queueIds).size, 0));
      const metrics = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM interactions WHERE metrics::jsonb IS DISTINCT FROM state->'metrics'`);
      expect(metrics.rows[0]?.n).toBe(0);
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

  it('a batch overlapping what was applied applies only its new events, and ends where a clean run ends', async () => {
    const before = await dumpReadModels(db.database.url);
    const events = await db.store.readAll({ maxCount: 100_000 });
    await truncateReadModels(db.database.url);
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      const apply = async (batch: RecordedEvent[]) => {
        await client.query('BEGIN');
        const result = await applyInteractionBatch(client, INTERACTIONS_PROJECTION, batch);
        await client.query('COMMIT');
        return result.applied;
      };
      const firstPart = Math.floor(events.length / 2);
      expect(await apply(events.slice(0, firstPart))).toBe(firstPart);
      // Every later batch repeats the 40 events before it: some rows new, some already applied.
      let applied = 0;
      for (let offset = firstPart; offset < events.length; offset += 250) applied += await apply(events.slice(offset - 40, offset + 250));
      expect(applied).toBe(events.length - firstPart);
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
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      // Re-folds handed over from one batch to the next still leave exactly each row's queues in the lookup table.
      expect(await queueLookupDrift(client, INTERACTIONS_PROJECTION.tables)).toEqual({ missing: [], extra: [], staleItems: [] });
    } finally {
      await client.end();
    }
    await truncateReadModels(db.database.url);
    const single = await runUntilCaughtUp(db, db.database.url, 1_000_000);
    expect(single.eventsApplied).toBe(pipelined.eventsApplied);
    expect(await dumpReadModels(db.database.url)).toEqual(inBatchesOf13);
    // One batch at a time (the projector beside the API) as well.
    await truncateReadModels(db.database.url);
    const oneAtATime = await runUntilCaughtUp(db, db.database.url, 13, false);
    expect(oneAtATime.eventsApplied).toBe(pipelined.eventsApplied);
    expect(await dumpReadModels(db.database.url)).toEqual(inBatchesOf13);
  });

  it.each([
    ['pipelined', true],
    ['one batch at a time', false],
  ])('a catch-up from a checkpoint moved back skips the timeline rows past it as applied (%s)', async (_mode, pipelined) => {
    // Batches past the timeline's highest row insert without a conflict check (TimelineHighWater); these lie below it.
    const before = await dumpReadModels(db.database.url);
    const events = await db.store.readAll({ maxCount: 100_000 });
    const middle = events[Math.floor(events.length / 2)] as RecordedEvent;
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      await client.query('UPDATE projection_checkpoints SET position = $1 WHERE projection = $2', [middle.position.toString(), INTERACTIONS_PROJECTION.name]);
    } finally {
      await client.end();
    }
    const resumed = await runUntilCaughtUp(db, db.database.url, 13, pipelined);
    expect(resumed.eventsApplied).toBe(0);
    expect(await dumpReadModels(db.database.url)).toEqual(before);
  });

  it('timelineIsNew: a timeline row already there fails the batch on its key, never skipped or written twice', async () => {
    const events = (await db.store.readAll({ maxCount: 100_000 })).slice(0, 40);
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      const plan = await planInteractionBatch(client, INTERACTIONS_PROJECTION, events, () => undefined, { timelineIsNew: true });
      expect(plan).not.toBeNull();
      await expect(finishInteractionBatch(client, INTERACTIONS_PROJECTION, plan as NonNullable<typeof plan>)).rejects.toMatchObject({ code: '23505' });
      await client.query('ROLLBACK');
      // The same batch without the option: every row already applied, nothing new.
      await client.query('BEGIN');
      expect((await applyInteractionBatch(client, INTERACTIONS_PROJECTION, events)).applied).toBe(0);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });
});

describe('timeline bodies: left in the store or sent as JSON', () => {
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

  /** Rows of the physical table holding their own bodies, and rows reading them from the store. */
  const bodiesHeld = async () => {
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      const rows = await client.query<{ own: number; by_reference: number }>(
        `SELECT count(*) FILTER (WHERE data IS NOT NULL AND metadata IS NOT NULL)::int AS own,
                count(*) FILTER (WHERE data IS NULL AND metadata IS NULL)::int AS by_reference
         FROM ${INTERACTIONS_PROJECTION.tables.events}`,
      );
      return rows.rows[0];
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
    // Same database as the store: the timeline leaves the bodies in ledger_events and the view reads them there.
    await runUntilCaughtUp(db);
    const copied = await timeline();
    expect(await bodiesHeld()).toEqual({ own: 0, by_reference: copied.length });
    const projected = await dumpReadModels(db.database.url);
    // Another connection string for the same database: the projector cannot assume it, and sends bodies as JSON.
    await truncateReadModels(db.database.url);
    await runUntilCaughtUp(db, `${db.database.url}${db.database.url.includes('?') ? '&' : '?'}application_name=timeline-as-json`);
    expect(await bodiesHeld()).toEqual({ own: copied.length, by_reference: 0 });
    expect(await timeline()).toEqual(copied);
    expect(await dumpReadModels(db.database.url)).toEqual(projected);
    expect(copied.find((row) => row.event_id === '00000000-0000-4000-8000-00000000b0d1')).toMatchObject({ data: '{}' });
    expect(copied.length).toBeGreaterThan(traffic.conversations.length * 10);
  });
});


describe('queue lookup rows when a re-fold changes the queues', () => {
  let db: StoreDatabase;
  let client: Client;
  const conversationId = '0e000000-0000-4000-8000-000000000001';
  const [SALES, SUPPORT, MISREAD] = ['queue-sales', 'queue-support', 'queue-misread'];
  const AGENT = 'a0000000-0000-4000-8000-000000000001';

  /** A fold that reads SUPPORT as another queue, as a bug in an upcaster would. */
  const misreadingSupport = new UpcasterRegistry(
    ['acd.start', 'acd.end', 'user.start', 'user.end'].map((kind) => ({
      name: `misread ${kind}`,
      eventType: `v2.detail.events.conversation.{id}.${kind}`,
      versions: '*' as const,
      upcast: (data: Record<string, unknown>) => (data['queueId'] === SUPPORT ? { ...data, queueId: MISREAD } : data),
    })),
  );
  const target = (upcasters: UpcasterRegistry): ProjectionTarget => ({ ...INTERACTIONS_PROJECTION, upcasters });
  const apply = async (upcasters: UpcasterRegistry, events: RecordedEvent[]) => {
    await client.query('BEGIN');
    await applyInteractionBatch(client, target(upcasters), events);
    await client.query('COMMIT');
  };
  const lookupRows = async () =>
    (await client.query<{ queue_id: string }>('SELECT queue_id FROM interaction_queues WHERE conversation_id = $1 ORDER BY queue_id', [conversationId])).rows.map(
      (row) => row.queue_id,
    );

  beforeAll(async () => {
    db = await createStoreDatabase();
    client = new Client({ connectionString: db.database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.dispose();
  });

  it('keeps exactly the queues of the re-folded row: a queue it no longer has is removed, one it gained is added', async () => {
    const s = new ConversationScript({ conversationId, startMs: Date.UTC(2026, 2, 4, 9) });
    const late = s.flowStart(1000);
    const inOrder = [
      s.customerStart(0),
      s.acdStart(10_000, SALES),
      s.userStart(20_000, AGENT, SALES),
      s.acdEnd(25_000, SALES, 'ANSWERED', { answeredUserId: AGENT }),
      s.userEnd(60_000, AGENT, { queueId: SALES, disconnectType: 'TRANSFER' }),
      s.acdStart(60_000, SUPPORT, {}, 1),
      s.acdEnd(90_000, SUPPORT, 'ABANDON', {}, 1),
    ];
    const message = (event: FoldableEvent) => ({ topicName: event.eventType.replace('{id}', conversationId), version: '2', eventBody: event.data });
    await appendCanonical(db.store, toCanonicalEvents([...inOrder, late].map(message)));
    const stored = await db.store.readAll({ maxCount: 100 });

    await apply(misreadingSupport, stored.slice(0, inOrder.length));
    expect(await lookupRows()).toEqual([MISREAD, SALES]);

    // The late event re-folds the whole timeline with the fixed upcasters: MISREAD is gone, SUPPORT is there.
    await apply(GENESYS_UPCASTERS, stored.slice(inOrder.length));
    const row = await client.query<{ queue_ids: string[]; event_count: number }>('SELECT queue_ids, event_count FROM interactions WHERE conversation_id = $1', [conversationId]);
    expect(row.rows[0]).toEqual({ queue_ids: [SALES, SUPPORT], event_count: inOrder.length + 1 });
    expect(await lookupRows()).toEqual([SALES, SUPPORT]);
    expect(await queueLookupDrift(client, INTERACTIONS_PROJECTION.tables)).toEqual({ missing: [], extra: [], staleItems: [] });
  });
});

describe('pace: what a rebuild beside the API waits for before each catch-up batch', () => {
  let db: StoreDatabase;
  const traffic = generateTraffic({ seed: 9, conversations: 40, startTime: new Date('2026-03-04T09:00:00Z') });
  const later = (seed: number) => generateTraffic({ seed, conversations: 5, startTime: new Date('2026-03-04T12:00:00Z') });

  beforeAll(async () => {
    db = await createStoreDatabase();
    await appendCanonical(db.store, toCanonicalEvents(traffic.deliveries));
  });
  afterAll(async () => db?.dispose());

  const untilPosition = async (projector: InteractionProjector, head: string | undefined) => {
    for (const deadline = Date.now() + 60_000; !(projector.status().phase === 'live' && projector.status().position === head); ) {
      if (Date.now() > deadline) throw new Error(`projector did not reach ${head}: ${JSON.stringify(projector.status())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it.each([false, true])('applies no catch-up batch before its pace resolves, and never paces live batches (pipelined: %s)', async (pipelined) => {
    await truncateReadModels(db.database.url);
    let hold = true;
    let release = (): void => undefined;
    /** eventsApplied as each pace began. */
    const paced: number[] = [];
    const projector: InteractionProjector = new InteractionProjector(db.store, {
      connectionString: db.database.url,
      batchSize: 50,
      pipelined,
      pace: () => {
        paced.push(projector.status().eventsApplied);
        return hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
    });
    projector.start();
    try {
      for (const deadline = Date.now() + 30_000; paced.length === 0; await new Promise((resolve) => setTimeout(resolve, 10))) {
        // The projector's status says why (standby on the lock, a lastError, or live without pacing).
        if (Date.now() > deadline) throw new Error(`pace was never called: ${JSON.stringify(projector.status())}`);
      }
      // Held: the first batch is not applied however long the pace takes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(projector.status()).toMatchObject({ phase: 'catching-up', eventsApplied: 0 });
      expect(paced).toEqual([0]);
      hold = false;
      release();
      await untilPosition(projector, (await db.store.headPosition())?.toString());
      const events = projector.status().eventsApplied;
      // One pace per full batch at least (the store may hand over the tail in more than one).
      expect(paced.length).toBeGreaterThanOrEqual(Math.floor(events / 50));
      // One at a time, each pace comes after the batch before it committed.
      if (!pipelined) expect(paced.every((applied, index) => index === 0 || applied > (paced[index - 1] as number))).toBe(true);

      // Live: new events are applied with the pace holding again, and it is not asked.
      const before = paced.length;
      hold = true;
      const head = (await db.store.headPosition())?.toString();
      await appendCanonical(db.store, toCanonicalEvents(later(pipelined ? 11 : 10).deliveries));
      const newHead = (await db.store.headPosition())?.toString();
      expect(newHead).not.toBe(head);
      await untilPosition(projector, newHead);
      expect(paced).toHaveLength(before);
    } finally {
      release();
      await projector.stop();
    }
  });
});
