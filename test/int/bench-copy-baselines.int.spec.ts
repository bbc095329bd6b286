import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendThroughPort, copyInTransactions, copyIntoBareTable, copyPayload } from '../../bench/src/append-bench';
import { appendBatches, buildWorkload, toCanonical } from '../../bench/src/workload';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

type StoredRow = { event_id: string; stream_id: string; revision: string; event_type: string; data: unknown; metadata: unknown };

async function rowsOf(url: string, table: string): Promise<{ rows: StoredRow[]; transactions: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client.query<StoredRow>(
      `SELECT event_id::text, stream_id, revision::text, event_type, data, metadata FROM ${table} ORDER BY stream_id, revision`,
    );
    const transactions = await client.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM ${table}`);
    return { rows: rows.rows, transactions: transactions.rows[0]?.n ?? 0 };
  } finally {
    await client.end();
  }
}

/**
 * The append figure's baselines load the rows the store itself would hold for the same deliveries: same ids, streams,
 * revisions and bodies, duplicates dropped. The ceilings commit once a batch.
 */
describe('the bench: COPY baselines for the append figure', () => {
  const canonical = toCanonical(buildWorkload(2_000).deliveries.slice(0, 1_050));
  const databases: TestDatabase[] = [];
  let stored: StoredRow[];

  const fresh = async (): Promise<string> => {
    const database = await createTestDatabase('ledger_bench_copy');
    databases.push(database);
    return database.url;
  };

  beforeAll(async () => {
    const url = await fresh();
    const run = await appendThroughPort({ kind: 'postgres' }, url, appendBatches(canonical, 100), 1, 'unused');
    expect(run.events).toBe(canonical.length);
    stored = (await rowsOf(url, 'ledger_events')).rows;
    // The workload's duplicates were dropped by the store: the baselines must hold as few rows.
    expect(stored.length).toBeLessThan(canonical.length);
  });
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('loads the bare table in one COPY, the same rows as the store', async () => {
    const url = await fresh();
    const payload = copyPayload(canonical);
    const run = await copyIntoBareTable(url, payload);
    expect(run.events).toBe(stored.length);
    const loaded = await rowsOf(url, 'bare_events');
    expect(loaded.rows).toEqual(stored);
    expect(loaded.transactions).toBe(1);
  });

  it.each(['bare', 'store'] as const)('loads the %s table with a commit every 100 rows, the same rows as the store', async (into) => {
    const url = await fresh();
    const payload = copyPayload(canonical, 100);
    expect(payload.chunks).toHaveLength(Math.ceil(stored.length / 100));
    const run = await copyInTransactions(url, payload, into);
    expect(run.events).toBe(stored.length);
    const loaded = await rowsOf(url, into === 'bare' ? 'bare_events' : 'ledger_events');
    expect(loaded.rows).toEqual(stored);
    expect(loaded.transactions).toBe(payload.chunks.length);
  });

  it("refuses the store's table twice over: its keys hold, so a second load of the same rows fails", async () => {
    const url = await fresh();
    const payload = copyPayload(canonical, 100);
    await copyInTransactions(url, payload, 'store');
    await expect(copyInTransactions(url, payload, 'store')).rejects.toThrow(/duplicate key value violates unique constraint/);
  });
});
