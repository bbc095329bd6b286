import { z } from 'zod';
import { CURSOR_TIME, decodeCursor } from '../../shared/keyset-cursor';
import { PHASES } from '../../shared/interaction-state.dto';
import { Rejected, enumParam, invalidParameter, limitParam, param, parseQueryParams, textParam, timestampParam } from '../../shared/query-params';

export const LIST_INTERACTIONS_MAX_LIMIT = 500;
export const LIST_INTERACTIONS_DEFAULT_LIMIT = 50;
export const LIST_CURSOR_KIND = 'interactions';

/** Where the previous page ended: the last row's (sort_time, conversation_id). */
export interface InteractionKey {
  sortTime: string;
  conversationId: string;
}

const parseCursor = (raw: string): InteractionKey | Rejected => {
  const key = decodeCursor(raw, LIST_CURSOR_KIND, 2);
  if (key instanceof Rejected) return key;
  const [sortTime, conversationId] = key;
  if (typeof sortTime !== 'string' || !CURSOR_TIME.test(sortTime) || typeof conversationId !== 'string') {
    return new Rejected('is not a cursor this endpoint issued: pass back nextCursor unchanged');
  }
  return { sortTime, conversationId };
};

/** `+` in a query string decodes to a space: a leading space before digits can only have been a `+`. */
const phoneParam = () => param((raw) => raw.replace(/^ (?=\d)/, '+'));

const schema = z.strictObject({
  from: timestampParam().optional(),
  to: timestampParam().optional(),
  queueId: textParam().optional(),
  userId: textParam().optional(),
  mediaType: textParam().optional(),
  direction: textParam().optional(),
  phase: enumParam(PHASES, { caseInsensitive: true }).optional(),
  ani: phoneParam().optional(),
  dnis: phoneParam().optional(),
  wrapupCode: textParam().optional(),
  disconnectType: textParam().optional(),
  externalContactId: textParam().optional(),
  activeAt: timestampParam().optional(),
  limit: limitParam(LIST_INTERACTIONS_MAX_LIMIT).optional(),
  cursor: param(parseCursor).optional(),
});

export const LIST_INTERACTIONS_PARAMETERS = Object.keys(schema.shape);

type Parsed = z.output<typeof schema>;

export type ListInteractionsFilters = Omit<Parsed, 'limit' | 'cursor'>;

export interface ListInteractionsParams {
  filters: ListInteractionsFilters;
  limit: number;
  after: InteractionKey | null;
}

export function parseListInteractionsParams(query: unknown): ListInteractionsParams {
  const { limit, cursor, ...filters } = parseQueryParams(schema, query, LIST_INTERACTIONS_PARAMETERS);
  if (filters.from !== undefined && filters.to !== undefined && filters.to <= filters.from) {
    throw invalidParameter('to', `must be after "from" (${filters.from}); got ${filters.to}`);
  }
  return { filters, limit: limit ?? LIST_INTERACTIONS_DEFAULT_LIMIT, after: cursor ?? null };
}
