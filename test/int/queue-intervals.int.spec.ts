import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionProjector } from '@ledger/projections';
import { generateTraffic, type SimulatedConversation } from '../../apps/cli/src/simulate/generate-traffic';
import { appendCanonical, createStoreDatabase, toCanonicalEvents, type StoreDatabase } from '../support/pipeline';

interface Tally {
  nOffered: number;
  nAnswered: number;
  nAbandoned: number;
  tAcdSum: number;
  tAcdMax: number;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const intervalOf = (ms: number): string => new Date(Math.floor(ms / FIFTEEN_MINUTES) * FIFTEEN_MINUTES).toISOString();

/** Counted straight from the generated acd.start / acd.end events, with no ledger code involved. */
function independentTally(conversations: SimulatedConversation[]): Map<string, Tally> {
  const tally = new Map<string, Tally>();
  const at = (queueId: string, ms: number): Tally => {
    const key = `${queueId}|${intervalOf(ms)}`;
    let entry = tally.get(key);
    if (!entry) {
      entry = { nOffered: 0, nAnswered: 0, nAbandoned: 0, tAcdSum: 0, tAcdMax: 0 };
      tally.set(key, entry);
    }
    return entry;
  };
  for (const conversation of conversations) {
    const starts = new Map<string, number>();
    for (const message of conversation.events) {
      const body = message.eventBody as { eventTime: number; queueId?: string; acdOutcome?: string };
      if (message.topicName.endsWith('.acd.start') && body.queueId) {
        at(body.queueId, body.eventTime).nOffered += 1;
        starts.set(body.queueId, body.eventTime);
      }
      if (message.topicName.endsWith('.acd.end') && body.queueId) {
        const entry = at(body.queueId, body.eventTime);
        const waited = body.eventTime - (starts.get(body.queueId) ?? body.eventTime);
        entry.tAcdSum += waited;
        entry.tAcdMax = Math.max(entry.tAcdMax, waited);
        if (body.acdOutcome === 'ANSWERED') entry.nAnswered += 1;
        if (body.acdOutcome === 'ABANDON') entry.nAbandoned += 1;
      }
    }
  }
  return tally;
}

describe('queue intervals for a simulated hour', () => {
  let db: StoreDatabase;
  const traffic = generateTraffic({
    seed: 2024,
    conversations: 240,
    startTime: new Date('2026-06-01T10:00:00Z'),
    meanGapMs: 15_000,
    duplicateRate: 0.05,
    reorderRate: 0.15,
  });

  beforeAll(async () => {
    db = await createStoreDatabase();
    await appendCanonical(db.store, toCanonicalEvents(traffic.deliveries));
    const projector = new InteractionProjector(db.store, { connectionString: db.database.url, batchSize: 113 });
    projector.start();
    const head = (await db.store.headPosition())?.toString();
    while (!(projector.status().phase === 'live' && projector.status().position === head)) await new Promise((resolve) => setTimeout(resolve, 50));
    await projector.stop();
  });
  afterAll(async () => db?.dispose());

  it('match an independent count of offered, answered, abandoned and queue wait per queue per 15 minutes', async () => {
    const expected = independentTally(traffic.conversations);
    expect(expected.size).toBeGreaterThan(10);
    const client = new Client({ connectionString: db.database.url });
    await client.connect();
    try {
      const rows = await client.query<{ queue_id: string; interval_start: Date; n_offered: number; n_answered: number; n_abandoned: number; t_acd_sum: string; t_acd_max: string }>(
        'SELECT queue_id, interval_start, n_offered, n_answered, n_abandoned, t_acd_sum, t_acd_max FROM queue_intervals',
      );
      const actual = new Map(
        rows.rows.map((row) => [
          `${row.queue_id}|${row.interval_start.toISOString()}`,
          { nOffered: row.n_offered, nAnswered: row.n_answered, nAbandoned: row.n_abandoned, tAcdSum: Number(row.t_acd_sum), tAcdMax: Number(row.t_acd_max) },
        ]),
      );
      // Intervals that only carry talk or after-call work (agent legs ending later) have nothing to compare here.
      const compared = [...actual].filter(([, tally]) => Object.values(tally).some((value) => value !== 0));
      expect(Object.fromEntries(compared)).toEqual(Object.fromEntries(expected));
    } finally {
      await client.end();
    }
  });
});
