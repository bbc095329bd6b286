import { Client } from 'pg';
import { interactionTables } from '@ledger/projections';
import { log } from './context';
import { probe, runLoad, timeSequential, type LoadResult } from './http-load';
import { widenReadModel } from './widen-read-model';

export const QUERY_CONNECTIONS = 50;

/** What the query figures run over, read from the read models the catch-up just built. */
export interface QueryFixtures {
  interactions: number;
  /** A spread-out sample of conversation ids for `GET /v1/interactions/{id}`. */
  ids: string[];
  queueIds: string[];
  /** An instant with (as near as the data allows) 1,000 interactions in progress, and how many are. */
  activeAt: { at: string; active: number } | null;
}

export async function loadQueryFixtures(databaseUrl: string, wantedActive: number, interactions: number): Promise<QueryFixtures> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // From the projected interactions alone: copies have no timelines for ?activeAt= to fold.
    const queues = await client.query<{ queue_id: string }>('SELECT DISTINCT unnest(queue_ids) AS queue_id FROM interactions ORDER BY 1');
    const spans = await client.query<{ started_at: Date; ended_at: Date | null }>(
      'SELECT started_at, ended_at FROM interactions WHERE started_at IS NOT NULL',
    );
    const widening = await widenReadModel(client, interactions);
    if (widening.copiesPerInteraction > 0) {
      log(`  read model widened from ${widening.projected} to ${widening.total} interactions (${widening.copiesPerInteraction} older copies of each) in ${(widening.ms / 1000).toFixed(1)} s`);
    }
    // A settled database, as autovacuum leaves one some time after the catch-up's bulk writes: statistics, the
    // visibility map (index-only scans of the queue lookup) and hint bits. Without it the first runs compete with
    // autovacuum itself (list p99 498, 398, then 132 ms over three repetitions in one full run).
    await client.query(`VACUUM (ANALYZE) ${[...Object.values(interactionTables(1)), 'ledger_events'].join(', ')}`);
    // And the pages the catch-up, the widening and VACUUM dirtied written out now, not by a checkpoint mid-measurement.
    await client.query('CHECKPOINT').catch((error: Error) => log(`  CHECKPOINT refused (${error.message}): queries may share the disk with one`));
    const ids = await client.query<{ conversation_id: string }>('SELECT conversation_id FROM interactions ORDER BY md5(conversation_id) LIMIT 5000');
    return {
      interactions: widening.total,
      ids: ids.rows.map((row) => row.conversation_id),
      queueIds: queues.rows.map((row) => row.queue_id),
      activeAt: instantWithActive(spans.rows, wantedActive),
    };
  } finally {
    await client.end();
  }
}

/**
 * The API's definition of active at T: started_at ≤ T < ended_at (or not ended). Sweeps the start and end instants
 * and returns the middle instant at which exactly `wanted` are active, or the busiest one when none is.
 */
function instantWithActive(spans: { started_at: Date; ended_at: Date | null }[], wanted: number): { at: string; active: number } | null {
  const changes = new Map<number, number>();
  for (const span of spans) {
    const start = span.started_at.getTime();
    changes.set(start, (changes.get(start) ?? 0) + 1);
    if (span.ended_at) changes.set(span.ended_at.getTime(), (changes.get(span.ended_at.getTime()) ?? 0) - 1);
  }
  let active = 0;
  let busiest: { at: number; active: number } | null = null;
  const exact: number[] = [];
  for (const instant of [...changes.keys()].sort((a, b) => a - b)) {
    active += changes.get(instant) ?? 0;
    if (active === wanted) exact.push(instant);
    if (!busiest || active > busiest.active) busiest = { at: instant, active };
  }
  const middle = exact[Math.floor(exact.length / 2)];
  if (middle !== undefined) return { at: new Date(middle).toISOString(), active: wanted };
  return busiest ? { at: new Date(busiest.at).toISOString(), active: busiest.active } : null;
}

/** Null and why, when an endpoint is not there (or not right) yet: a figure is never made up. */
export async function endpointProblem(url: string, path: string, check?: (body: unknown) => string | null): Promise<string | null> {
  try {
    const answer = await probe(url, path);
    if (answer.status !== 200) return `GET ${path.split('?')[0]} answered ${answer.status}: ${answer.body.slice(0, 160)}`;
    return check ? check(JSON.parse(answer.body) as unknown) : null;
  } catch (error) {
    return `GET ${path} failed: ${(error as Error).message}`;
  }
}

export function loadGets(url: string, paths: readonly string[], durationS: number): Promise<LoadResult> {
  return runLoad({
    url,
    connections: QUERY_CONNECTIONS,
    durationS,
    expectStatus: 200,
    next: (index) => ({ path: paths[index % paths.length] as string }),
  });
}

export { timeSequential };
