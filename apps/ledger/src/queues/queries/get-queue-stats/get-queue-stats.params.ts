import { z } from 'zod';
import { enumParam, invalidParameter, parseQueryParams, timestampParam } from '../../../interactions/shared/query-params';

export const GRANULARITIES = ['PT15M', 'PT30M', 'PT1H', 'P1D'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** PostgreSQL interval of each granularity, for date_bin. */
export const GRANULARITY_INTERVAL: Record<Granularity, { sql: string; ms: number }> = {
  PT15M: { sql: '15 minutes', ms: 15 * 60_000 },
  PT30M: { sql: '30 minutes', ms: 30 * 60_000 },
  PT1H: { sql: '1 hour', ms: 60 * 60_000 },
  P1D: { sql: '1 day', ms: 24 * 60 * 60_000 },
};

const DAY_MS = 24 * 60 * 60_000;
export const MAX_RANGE_DAYS = 31;

const schema = z.strictObject({
  from: timestampParam().optional(),
  to: timestampParam().optional(),
  granularity: enumParam(GRANULARITIES, { caseInsensitive: true }).optional(),
});

export interface GetQueueStatsParams {
  from: string;
  to: string;
  granularity: Granularity;
}

/** Without from/to: the 24 hours before now; with only one of them, the 24 hours after or before it. */
export function parseGetQueueStatsParams(query: unknown, now: Date): GetQueueStatsParams {
  const parsed = parseQueryParams(schema, query, Object.keys(schema.shape));
  const toMs = parsed.to !== undefined ? Date.parse(parsed.to) : parsed.from !== undefined ? Date.parse(parsed.from) + DAY_MS : now.getTime();
  const fromMs = parsed.from !== undefined ? Date.parse(parsed.from) : toMs - DAY_MS;
  if (toMs <= fromMs) throw invalidParameter('to', `must be after "from" (${new Date(fromMs).toISOString()}); got ${new Date(toMs).toISOString()}`);
  if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) {
    throw invalidParameter('to', `must be at most ${MAX_RANGE_DAYS} days after "from"; the range asked for is ${((toMs - fromMs) / DAY_MS).toFixed(1)} days`);
  }
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), granularity: parsed.granularity ?? 'PT30M' };
}
