import { classifyTopic, type CanonicalEvent } from '@ledger/domain';

/**
 * Events that change what an agent or supervisor sees right now: a conversation entering a queue, an agent being
 * offered one, or a conversation snapshot with a leg alerting. Under backlog they commit first; the fold does not
 * depend on order, so nobody else notices.
 */
const URGENT_DETAIL_TYPES: ReadonlySet<string> = new Set([
  'v2.detail.events.conversation.{id}.acd.start',
  'v2.detail.events.conversation.{id}.user.start',
]);

const ALERTING = new Set(['alerting', 'offering']);
const DETAIL_TOPIC_PREFIX = 'v2.detail.';

export function isUrgentEvent(event: Pick<CanonicalEvent, 'eventType' | 'data' | 'metadata'>): boolean {
  if (URGENT_DETAIL_TYPES.has(event.eventType)) return true;
  // Detail topics are never snapshots: no need to classify the topic of most events.
  if (event.metadata.topicName.startsWith(DETAIL_TOPIC_PREFIX)) return false;
  return classifyTopic(event.metadata.topicName).kind === 'snapshot' && hasAlertingLeg(event.data);
}

/** `participants[]`, each with its own `state` (per-media topics) or legs under `calls`, `chats`, ... */
function hasAlertingLeg(body: Record<string, unknown>): boolean {
  const participants = body['participants'];
  if (!Array.isArray(participants)) return false;
  return participants.some((participant: unknown) => {
    if (!isRecord(participant)) return false;
    if (isAlerting(participant)) return true;
    return Object.values(participant).some((value) => Array.isArray(value) && value.some((leg: unknown) => isRecord(leg) && isAlerting(leg)));
  });
}

function isAlerting(record: Record<string, unknown>): boolean {
  const state = record['state'];
  return typeof state === 'string' && ALERTING.has(state.toLowerCase());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
