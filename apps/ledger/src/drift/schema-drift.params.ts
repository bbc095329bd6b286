import { DRIFT_KINDS, type DriftKind } from '@ledger/domain';
import { z } from 'zod';
import { enumParam, limitParam, parseQueryParams, textParam } from '../interactions/shared/query-params';

export const MAX_DRIFT_ROWS = 5000;

const schema = z.strictObject({
  eventType: textParam().optional(),
  kind: enumParam(DRIFT_KINDS).optional(),
  limit: limitParam(MAX_DRIFT_ROWS).optional(),
});

export interface SchemaDriftParams {
  /** Exact event type (topic template), e.g. `v2.detail.events.conversation.{id}.acd.end`. */
  eventType: string | null;
  kind: DriftKind | null;
  /** Most drift rows returned, newest first seen last. */
  limit: number;
}

export function parseSchemaDriftParams(query: unknown): SchemaDriftParams {
  const parsed = parseQueryParams(schema, query, Object.keys(schema.shape));
  return { eventType: parsed.eventType ?? null, kind: parsed.kind ?? null, limit: parsed.limit ?? 1000 };
}
