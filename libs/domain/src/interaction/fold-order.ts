import { instantIso } from './body-fields';
import { kindRank, parseEventKind } from './event-kind';
import type { FoldableEvent } from './foldable-event';

/** Events without a business time sort first: they cannot have happened after anything we can place. */
const NO_TIME = '0000-00-00T00:00:00.000Z';

/** The event's business time as a fixed-width ISO string (24 characters), or null when it has none. */
export function foldTime(event: FoldableEvent): string | null {
  return (event.eventTime === null ? undefined : instantIso(event.eventTime)) ?? null;
}

/**
 * `<eventTime>|<kind rank>|<eventId>`: sorts as `compareFoldOrder` does, so a projector can keep the key of the
 * last event it applied and know that an event with a smaller key arrived late and requires a re-fold.
 */
export function foldSortKey(event: FoldableEvent): string {
  const rank = String(kindRank(parseEventKind(event.eventType))).padStart(2, '0');
  return `${foldTime(event) ?? NO_TIME}|${rank}|${event.eventId}`;
}

/** Total order of a conversation's events: (eventTime, kind rank, eventId). Code-unit comparison, no locale. */
export function compareFoldOrder(a: FoldableEvent, b: FoldableEvent): number {
  const ka = foldSortKey(a);
  const kb = foldSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
