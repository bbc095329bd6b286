import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESYS_UPCASTERS, UpcasterRegistry, isoEventTimeToEpochMillis, wrapupFieldsV1ToV2 } from '@ledger/domain';
import { INTERACTIONS_PROJECTION, InteractionProjector, interactionTables, retryDeadLetter, type ProjectionTarget } from '@ledger/projections';
import { generateTraffic } from '../../apps/cli/src/simulate/generate-traffic';
import { appendCanonical, createStoreDatabase, queueLookupDrift, toCanonicalEvents, type StoreDatabase } from '../support/pipeline';

/** A bug in an upcaster that throws on one kind of event until it is fixed. */
function upcastersWithBug(state: { broken: boolean }): UpcasterRegistry {
  return new UpcasterRegistry([
    isoEventTimeToEpochMillis,
    wrapupFieldsV1ToV2,
    {
      name: 'buggy',
      eventType: 'v2.detail.events.conversation.{id}.acd.end',
      versions: '*',
      upcast(data) {
        if (state.broken && data['acdOutcome'] === 'ABANDON') throw new Error('upcaster bug: cannot read acdOutcome ABANDON');
        return data;
      },
    },
  ]);
}

describe('dead letters', () => {
  let db: StoreDatabase;
  let client: Client;
  const bug = { broken: true };
  const traffic = generateTraffic({ seed: 99, conversations: 60, startTime: new Date('2026-08-01T09:00:00Z'), abandonRate: 0.3 });
  const abandoned = traffic.conversations.filter((conversation) => conversation.outcome === 'abandoned');

  const caughtUp = async (projector: InteractionProjector) => {
    const head = (await db.store.headPosition())?.toString();
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (projector.status().phase === 'live' && projector.status().position === head) return;
    }
    throw new Error(`not caught up: ${JSON.stringify(projector.status())}`);
  };

  beforeAll(async () => {
    db = await createStoreDatabase();
    client = new Client({ connectionString: db.database.url });
    await client.connect();
    await appendCanonical(db.store, toCanonicalEvents(traffic.deliveries));
    expect(abandoned.length).toBeGreaterThan(3);
  });
  afterAll(async () => {
    await client?.end();
    await db?.dispose();
  });

  it('parks a poison event and its successors, flags the row stale, keeps projecting the rest', async () => {
    const projector = new InteractionProjector(db.store, { connectionString: db.database.url, upcasters: upcastersWithBug(bug), batchSize: 200 });
    projector.start();
    await caughtUp(projector);
    // Later events of a parked conversation keep queueing behind it.
    const late = abandoned[0]?.events.at(-1);
    await appendCanonical(db.store, toCanonicalEvents([{ ...late, eventBody: { ...(late?.eventBody as object), eventTime: (late?.eventBody as { eventTime: number }).eventTime + 1 } }]));
    await caughtUp(projector);
    await projector.stop();

    const letters = await client.query<{ conversation_id: string; event_type: string; blocked_by: string | null; attempts: number; error: string }>(
      "SELECT conversation_id, event_type, blocked_by, attempts, error FROM dead_letters WHERE status = 'parked' ORDER BY conversation_id, position",
    );
    const failed = letters.rows.filter((row) => row.blocked_by === null);
    expect(new Set(failed.map((row) => row.conversation_id))).toEqual(new Set(abandoned.map((conversation) => conversation.conversationId)));
    expect(failed.every((row) => row.event_type.endsWith('.acd.end') && row.error.includes('upcaster bug') && row.attempts === 3)).toBe(true);
    expect(letters.rows.filter((row) => row.blocked_by !== null && row.conversation_id === abandoned[0]?.conversationId).length).toBeGreaterThan(0);

    const rows = await client.query<{ conversation_id: string; stale: boolean }>('SELECT conversation_id, stale FROM interactions');
    expect(rows.rows).toHaveLength(traffic.conversations.length);
    const stale = new Set(rows.rows.filter((row) => row.stale).map((row) => row.conversation_id));
    expect(stale).toEqual(new Set(abandoned.map((conversation) => conversation.conversationId)));
    // The list by queue shows them stale too: their lookup rows' items followed the rows.
    expect(await queueLookupDrift(client, interactionTables(1))).toEqual({ missing: [], extra: [], staleItems: [] });
    const staleInQueues = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM interaction_queues WHERE list_item::jsonb ->> 'stale' = 'true'`);
    expect(staleInQueues.rows[0]?.n).toBeGreaterThan(0);
  });

  it('a retry while the cause persists parks again and counts the attempt; after the fix it heals the row', async () => {
    const pool = new Pool({ connectionString: db.database.url });
    const target = (upcasters: UpcasterRegistry) => (version: number): ProjectionTarget => ({ ...INTERACTIONS_PROJECTION, version, tables: interactionTables(version), upcasters });
    try {
      const conversationId = abandoned[0]?.conversationId as string;
      const letter = await client.query<{ id: string }>("SELECT id FROM dead_letters WHERE conversation_id = $1 AND blocked_by IS NULL", [conversationId]);
      const id = letter.rows[0]?.id as string;

      const stillBroken = await retryDeadLetter(pool, target(upcastersWithBug(bug)), id);
      expect(stillBroken).toMatchObject({ outcome: 'parked', attempts: 4, error: expect.stringContaining('upcaster bug') });

      bug.broken = false;
      const healed = await retryDeadLetter(pool, target(GENESYS_UPCASTERS), id);
      expect(healed).toMatchObject({ outcome: 'resolved', conversationId });
      const row = await client.query<{ stale: boolean; state: { acdOutcome: string | null; phase: string | null } }>('SELECT stale, state FROM interactions WHERE conversation_id = $1', [conversationId]);
      expect(row.rows[0]).toMatchObject({ stale: false, state: { acdOutcome: 'ABANDON', phase: 'ended' } });
      const remaining = await client.query("SELECT 1 FROM dead_letters WHERE conversation_id = $1 AND status = 'parked'", [conversationId]);
      expect(remaining.rowCount).toBe(0);
      // The retry wrote the row's queue lookup rows and metrics with it.
      expect(await queueLookupDrift(client, interactionTables(1))).toEqual({ missing: [], extra: [], staleItems: [] });
      const healedRow = await client.query<{ queued: number; metrics: { abandoned: boolean } }>(
        'SELECT (SELECT count(*)::int FROM interaction_queues q WHERE q.conversation_id = i.conversation_id) AS queued, metrics FROM interactions i WHERE conversation_id = $1',
        [conversationId],
      );
      expect(healedRow.rows[0]).toMatchObject({ queued: 1, metrics: { abandoned: true } });
      expect(await retryDeadLetter(pool, target(GENESYS_UPCASTERS), '999999')).toEqual({ outcome: 'not-found' });
    } finally {
      await pool.end();
    }
  });
});
