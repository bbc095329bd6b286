import { z } from 'zod';
import { parseQueryParams, timestampParam } from '../../../interactions/shared/query-params';

const schema = z.strictObject({ at: timestampParam().optional() });

export interface GetQueueSnapshotParams {
  at: string;
}

/** `at` defaults to now, the time of the request. */
export function parseGetQueueSnapshotParams(query: unknown, now: Date): GetQueueSnapshotParams {
  const parsed = parseQueryParams(schema, query, Object.keys(schema.shape));
  return { at: parsed.at ?? now.toISOString() };
}
