import { z } from 'zod';
import { parseQueryParams, timestampParam } from '../../shared/query-params';

const schema = z.strictObject({
  at: timestampParam().optional(),
  knownAt: timestampParam().optional(),
});

export interface ReplayInteractionStateParams {
  /** Business time: events that happened at or before it. */
  at: string;
  /** Knowledge time: events the ledger had received at or before it. */
  knownAt: string;
}

/** Both default to `now`, the time of the request. */
export function parseReplayInteractionStateParams(query: unknown, now: Date): ReplayInteractionStateParams {
  const parsed = parseQueryParams(schema, query, Object.keys(schema.shape));
  return { at: parsed.at ?? now.toISOString(), knownAt: parsed.knownAt ?? now.toISOString() };
}
