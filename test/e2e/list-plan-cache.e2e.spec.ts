import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * The list by queue runs as a named prepared statement so that a page is not planned on every request (planning
 * cost more than running it at 1,000,000 interactions). That only pays if PostgreSQL keeps the generic plan, which
 * it did not while the page size was a bound parameter: a generic plan assumes a LIMIT of a tenth of the rows, and
 * with thousands of rows per queue it looked dearer than re-planning each call. A queue of 4,000 interactions (with
 * statistics) is enough to show it.
 */
describe('list by queue: a plan PostgreSQL keeps', () => {
  let ledger: RunningLedger;
  const QUEUE = 'queue-planned';

  beforeAll(async () => {
    ledger = await startLedger({ LEDGER_ROLES: 'api' });
    const db = ledger.app.get(DataSource);
    await db.query(
      `INSERT INTO interactions__v1 (conversation_id, sort_time, started_at, queue_ids, state, fold_key, event_count, position)
       SELECT 'c-' || n, timestamptz '2025-01-01' + n * interval '1 minute', timestamptz '2025-01-01' + n * interval '1 minute',
              ARRAY[CASE WHEN n % 4 = 0 THEN $1 ELSE 'queue-' || n % 4 END], '{}'::jsonb, 'k', 1, n
       FROM generate_series(1, 16000) AS n`,
      [QUEUE],
    );
    await db.query(`INSERT INTO interaction_queues__v1 (queue_id, sort_time, conversation_id) SELECT queue_ids[1], sort_time, conversation_id FROM interactions__v1`);
    await db.query('ANALYZE interactions__v1, interaction_queues__v1');
  });
  afterAll(async () => ledger?.close());

  it('is planned five times, then reused', async () => {
    // One request at a time: the pool hands out the connection released last, so every page, and the look at
    // pg_prepared_statements after them, run on the same session (prepared statements are per session).
    for (let page = 0; page < 8; page++) {
      const response = await fetch(`${ledger.url}/v1/interactions?queueId=${QUEUE}&limit=50`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { items: unknown[] }).items).toHaveLength(50);
    }
    const walks = await ledger.app.get(DataSource).query<{ generic: number; custom: number }[]>(
      `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE statement LIKE '%interaction_queues%'`,
    );
    expect(walks).toEqual([{ generic: 3, custom: 5 }]);
  });
});
