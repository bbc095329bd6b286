import { instantIso, isoMs, record } from './body-fields';
import {
  acdEnd, acdStart, afterCallWork, applyConversationFields, customerEnd, customerStart, flowEnd, flowStart,
  mergeAttributes, userEnd, userStart, voicemail,
} from './detail-events';
import { type EventKind, parseEventKind } from './event-kind';
import { applyExtensions, type FoldExtension, NO_EXTENSIONS } from './fold-extension';
import { foldSortKey } from './fold-order';
import type { FoldableEvent } from './foldable-event';
import { cloneState, initialInteractionState, type InteractionState } from './interaction-state';
import { deriveSummary } from './derive';
import { sortSegments } from './segments';
import { applyConversationSnapshot } from './snapshot-events';

/** Kinds that describe the conversation from the customer's side: their media, direction, ani and dnis win. */
const CUSTOMER_SIDE = new Set(['customer.start', 'customer.end', 'contact', 'outbound']);

/**
 * Applies one event. Pure: the input state is never changed; an ignored event (unknown topic, another
 * conversation) returns the very same state. Applying the same event twice in a row equals applying it once.
 */
export function evolve(state: InteractionState, event: FoldableEvent): InteractionState {
  return evolveOne(state, event, NO_EXTENSIONS);
}

/**
 * `evolve` with a projection version's fold extensions. A factory rather than a third parameter, so the result
 * keeps evolve's (state, event) shape and still works as `events.reduce(evolveWith(extensions), state)`.
 */
export function evolveWith(extensions: readonly FoldExtension[]): (state: InteractionState, event: FoldableEvent) => InteractionState {
  if (extensions.length === 0) return evolve;
  return (state, event) => evolveOne(state, event, extensions);
}

function evolveOne(state: InteractionState, event: FoldableEvent, extensions: readonly FoldExtension[]): InteractionState {
  const kind = parseEventKind(event.eventType);
  if (kind.kind === 'ignored' || !belongsTo(state, kind, event.data)) return state;
  const draft = cloneState(state);
  applyFacts(draft, kind, event);
  if (extensions.length > 0) applyExtensions(draft, extensions, event);
  deriveSummary(draft);
  return draft;
}

/**
 * `events.reduce(evolve, state)`, in the order given, but cloning the state once and deriving the summary once at
 * the end: the handlers read only facts (participants, segments, conversation fields), never the derived summary,
 * and the one thing derivation does to the facts (sorting each participant's segments) is still done between events.
 * Fold extensions, when given, run after each event's facts, as in `evolveWith`.
 */
export function evolveAll(
  state: InteractionState,
  events: readonly FoldableEvent[],
  extensions: readonly FoldExtension[] = NO_EXTENSIONS,
): InteractionState {
  let draft: InteractionState | null = null;
  for (const event of events) {
    const kind = parseEventKind(event.eventType);
    if (kind.kind === 'ignored' || !belongsTo(draft ?? state, kind, event.data)) continue;
    if (draft === null) draft = cloneState(state);
    else for (const p of draft.participants) sortSegments(p);
    applyFacts(draft, kind, event);
    if (extensions.length > 0) applyExtensions(draft, extensions, event);
  }
  if (draft === null) return state;
  deriveSummary(draft);
  return draft;
}

/** The event's facts and lastEventTime, in place (the time read once, as `foldTime` reads it). */
function applyFacts(draft: InteractionState, kind: EventKind, event: FoldableEvent): void {
  const time = event.eventTime === null ? undefined : instantIso(event.eventTime);
  applyKind(draft, kind, event.data, time === undefined ? undefined : isoMs(time));
  if (time === undefined) return;
  if (draft.lastEventTime === null || time > draft.lastEventTime) draft.lastEventTime = time;
}

/** A body naming another conversation is not about this one (a misrouted event must not corrupt the state). */
function belongsTo(state: InteractionState, kind: EventKind, data: Record<string, unknown>): boolean {
  const id = kind.kind === 'snapshot' ? data.id : data.conversationId;
  return typeof id !== 'string' || id === '' || id === state.conversationId;
}

function applyKind(draft: InteractionState, kind: EventKind, body: Record<string, unknown>, atMs: number | undefined): void {
  if (kind.kind === 'snapshot') {
    applyConversationSnapshot(draft, body, atMs, kind.mediaType);
    return;
  }
  if (kind.kind === 'ignored') return;
  applyConversationFields(draft, body, CUSTOMER_SIDE.has(kind.kind));
  // Segments need a time: without one, only the time-free fields above (and attributes) are kept.
  if (atMs === undefined && kind.kind !== 'attributes') return;
  const at = atMs ?? 0;
  switch (kind.kind) {
    case 'customer.start': return customerStart(draft, body, at);
    case 'customer.end': return customerEnd(draft, body, at);
    case 'flow.start': return flowStart(draft, body, at);
    case 'flow.end': return flowEnd(draft, body, at);
    case 'acd.start': return acdStart(draft, body, at);
    case 'acd.end': return acdEnd(draft, body, at);
    case 'user.start': return userStart(draft, body, at);
    case 'user.end': return userEnd(draft, body, at);
    case 'acw':
    case 'wrapup': return afterCallWork(draft, body, at);
    case 'attributes': return mergeAttributes(draft, record(body.attributes));
    case 'voicemail.start':
    case 'voicemail.end': return voicemail(draft, body);
    // Conversation fields only: no segment in the analytics vocabulary corresponds to these.
    case 'contact':
    case 'flow.outcome':
    case 'outbound': return;
    default: {
      const unhandled: never = kind;
      return unhandled;
    }
  }
}

/**
 * The state of one conversation from its events, in any order and with any duplicates: de-duplicated by
 * eventId, then applied in `compareFoldOrder`. Should two copies of an id disagree, the earliest in fold order
 * is kept, so even then the delivery order does not matter.
 */
export function foldInteraction(
  conversationId: string,
  events: readonly FoldableEvent[],
  extensions: readonly FoldExtension[] = NO_EXTENSIONS,
): InteractionState {
  const unique = new Map<string, { key: string; event: FoldableEvent }>();
  for (const event of events) {
    const key = foldSortKey(event);
    const kept = unique.get(event.eventId);
    if (kept === undefined || key < kept.key) unique.set(event.eventId, { key, event });
  }
  const ordered = [...unique.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ event }) => event);
  return evolveAll(initialInteractionState(conversationId), ordered, extensions);
}

