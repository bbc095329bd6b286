import { z } from 'zod';
import { CURSOR_TIME, decodeCursor } from '../../shared/keyset-cursor';
import { Rejected, limitParam, param, parseQueryParams } from '../../shared/query-params';

export const EVENTS_MAX_LIMIT = 1000;
export const EVENTS_DEFAULT_LIMIT = 100;
export const EVENTS_CURSOR_KIND = 'interaction-events';

/** Where the previous page ended: (event_time or null, event_id). */
export interface EventKey {
  eventTime: string | null;
  eventId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const parseCursor = (raw: string): EventKey | Rejected => {
  const key = decodeCursor(raw, EVENTS_CURSOR_KIND, 2);
  if (key instanceof Rejected) return key;
  const [eventTime, eventId] = key;
  if ((eventTime !== null && (eventTime === undefined || !CURSOR_TIME.test(eventTime))) || typeof eventId !== 'string' || !UUID.test(eventId)) {
    return new Rejected('is not a cursor this endpoint issued: pass back nextCursor unchanged');
  }
  return { eventTime: eventTime ?? null, eventId };
};

const schema = z.strictObject({
  limit: limitParam(EVENTS_MAX_LIMIT).optional(),
  cursor: param(parseCursor).optional(),
});

export interface ListInteractionEventsParams {
  limit: number;
  after: EventKey | null;
}

export function parseListInteractionEventsParams(query: unknown): ListInteractionEventsParams {
  const parsed = parseQueryParams(schema, query, Object.keys(schema.shape));
  return { limit: parsed.limit ?? EVENTS_DEFAULT_LIMIT, after: parsed.cursor ?? null };
}
