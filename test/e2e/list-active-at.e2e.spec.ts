import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPageStatement } from '../../apps/ledger/src/interactions/queries/list-interactions/list-interactions.handler';
import type { InteractionKey } from '../../apps/ledger/src/interactions/queries/list-interactions/list-interactions.params';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const indexesIn = (node: PlanNode): string[] => [...(node['Index Name'] ? [node['Index Name']] : []), ...(node.Plans ?? []).flatMap(indexesIn)];

/**
 * `?activeAt=T` lists the interactions in progress at T (started_at <= T < ended_at, or not ended) from the GiST index
 * of their spans, never by walking the whole list: 16,000 interactions a minute apart, most four minutes long, one in
 * ten four hours, a few never ended, and rows whose span is empty (no start; an end before the start).
 */
describe('list ?activeAt=: the interactions in progress then, through their spans', () => {
  let ledger: RunningLedger;
  let db: DataSource;
  const BASE = Date.parse('2025-01-01T00:00:00Z');
  const minute = (n: number): string => new Date(BASE + n * 60_000).toISOString();
  const AT = minute(8000);
  const QUEUE = 'queue-even';

  beforeAll(async () => {
    ledger = await startLedger({ LEDGER_ROLES: 'api' });
    db = ledger.app.get(DataSource);
    await db.query(
      `INSERT INTO interactions__v1 (conversation_id, sort_time, started_at, ended_at, queue_ids, state, fold_key, event_count, position)
       SELECT 'c-' || lpad(n::text, 5, '0'), $1::timestamptz + n * interval '1 minute', $1::timestamptz + n * interval '1 minute',
              CASE WHEN n % 1000 = 7 THEN NULL
                   WHEN n % 10 = 0 THEN $1::timestamptz + (n + 240) * interval '1 minute'
                   ELSE $1::timestamptz + (n + 4) * interval '1 minute' END,
              ARRAY[CASE WHEN n % 2 = 0 THEN $2 ELSE 'queue-odd' END], '{}'::jsonb, 'k', 1, n
       FROM generate_series(1, 16000) AS n`,
      [minute(0), QUEUE],
    );
    // No start (never listed), an end before its start (never listed), an end exactly at T (over by then).
    await db.query(
      `INSERT INTO interactions__v1 (conversation_id, sort_time, started_at, ended_at, state, fold_key, event_count, position) VALUES
         ('x-no-start', $1, NULL, $2, '{}', 'k', 1, 1), ('x-ends-before-start', $1, $1, $3, '{}', 'k', 1, 1), ('x-ends-at-t', $3, $3, $1, '{}', 'k', 1, 1)`,
      [AT, minute(8001), minute(7990)],
    );
    await db.query('ANALYZE interactions__v1');
  });
  afterAll(async () => ledger?.close());

  /** What `?activeAt=` promises, straight from the columns, in the list's order. */
  const inProgress = async (queueId?: string): Promise<string[]> =>
    (
      await db.query<{ id: string }[]>(
        `SELECT conversation_id AS id FROM interactions__v1
         WHERE started_at <= $1 AND (ended_at IS NULL OR ended_at > $1) AND ($2::text IS NULL OR $2 = ANY(queue_ids))
         ORDER BY sort_time DESC, conversation_id DESC`,
        [AT, queueId ?? null],
      )
    ).map((row) => row.id);

  const walk = async (query: string): Promise<string[]> => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: Response = await fetch(`${ledger.url}/v1/interactions?${query}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: { conversationId: string; state: unknown }[]; nextCursor: string | null };
      for (const item of body.items) expect(item.state).toBeDefined();
      seen.push(...body.items.map((item) => item.conversationId));
      cursor = body.nextCursor;
    } while (cursor);
    return seen;
  };

  it('pages through exactly the interactions in progress at T, newest first', async () => {
    const expected = await inProgress();
    // 3 short ones (7997–7999), 24 four-hour ones (7770–8000), the never-ended ones started by then (7, 1007, …, 7007).
    expect(expected.length).toBe(3 + 24 + 8);
    expect(expected).toContain('c-08000');
    expect(expected).not.toContain('c-07996');
    expect(expected).toContain('c-07007');
    expect(await walk(`activeAt=${AT}`)).toEqual(expected);
  });

  it('by queue: the same rows of that queue', async () => {
    const expected = await inProgress(QUEUE);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan((await inProgress()).length);
    expect(await walk(`activeAt=${AT}&queueId=${QUEUE}`)).toEqual(expected);
  });

  it('reads the spans index, not the list order, on the first page and after a cursor, with or without a queue', async () => {
    const after: InteractionKey = { sortTime: minute(7998), conversationId: 'c-07998' };
    for (const [filters, cursor] of [
      [{ activeAt: AT }, null],
      [{ activeAt: AT }, after],
      [{ activeAt: AT, queueId: QUEUE }, after],
    ] as const) {
      const { text, values } = listPageStatement({ filters, after: cursor, limit: 50 });
      const [explained] = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`EXPLAIN (FORMAT JSON) ${text}`, values);
      const indexes = explained ? indexesIn(explained['QUERY PLAN'][0].Plan) : [];
      expect(indexes).toContain('interactions__v1_spans');
      expect(indexes).not.toContain('interactions__v1_sort');
    }
  });
});
