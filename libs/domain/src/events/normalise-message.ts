import type { CanonicalEvent, EventMetadata, IngestSource, JsonObject } from './canonical-event';
import { canonicalIso, epochMsIso, toIso } from '../interaction/body-fields';
import { deterministicEventId } from './event-id';
import { INGEST_ERROR_CODES, type IngestErrorCode } from './ingest-errors';
import { pathOfNulCharacter } from './nul-character';
import { classifyTopic, type TopicClass } from './topic-catalogue';

export type NormalisedItem =
  | { outcome: 'event'; event: CanonicalEvent }
  | { outcome: 'filtered'; reason: string; topicName: string }
  | { outcome: 'rejected'; code: IngestErrorCode; message: string };

export interface NormaliseContext {
  source: IngestSource;
  /** Knowledge time of this delivery, passed in: the domain never reads the clock. */
  receivedAt: Date;
  /** The `INGEST_TOPICS` allow-list; topics it does not match are filtered. */
  isTopicAllowed?: (topicName: string, template: string) => boolean;
  /** False when the item's JSON text is known to hold no `\u0000` escape: the NUL walk is skipped. */
  mayHoldNul?: boolean;
}

const GENESYS_EVENTBRIDGE_SOURCE = /^aws\.partner\/genesys\.com/;

/**
 * Turns one Genesys message (a notification message, or an EventBridge event wrapping one) into the canonical event
 * the store keeps, or says why it is filtered or rejected.
 */
export function normaliseMessage(item: unknown, context: NormaliseContext): NormalisedItem {
  if (!isObject(item)) {
    return reject(INGEST_ERROR_CODES.notAnObject, `item is ${describeType(item)}, expected a JSON object`);
  }
  let message: JsonObject = item;
  let envelopeTime: string | null = null;
  let source = context.source;
  let classified: TopicClass | null = null;
  if ('detail-type' in item || 'detail' in item) {
    const unwrapped = unwrapEventBridge(item);
    if ('code' in unwrapped) return reject(unwrapped.code, unwrapped.message);
    message = unwrapped.message;
    envelopeTime = unwrapped.time;
    classified = unwrapped.topic;
    if (source === 'webhook') source = 'eventbridge';
  }

  const topicName = message['topicName'];
  if (typeof topicName !== 'string' || topicName.trim() === '') {
    return 'eventBody' in message
      ? reject(INGEST_ERROR_CODES.missingTopic, 'topicName is missing or not a string')
      : reject(
          INGEST_ERROR_CODES.unknownEnvelope,
          'item is neither a Genesys notification message (topicName, eventBody) nor an EventBridge event (detail-type, detail)',
        );
  }
  const topic = classified ?? classifyTopic(topicName);
  if (topic.kind === 'not-an-event') return { outcome: 'filtered', reason: topic.reason, topicName };
  if (context.isTopicAllowed && !context.isTopicAllowed(topicName, topic.template)) {
    return { outcome: 'filtered', reason: 'topic not in INGEST_TOPICS', topicName };
  }
  const eventBody = message['eventBody'];
  if (!isObject(eventBody)) {
    return reject(INGEST_ERROR_CODES.missingEventBody, `eventBody of ${topicName} is ${describeType(eventBody)}, expected a JSON object`);
  }

  const placement = placeEvent(topic, topicName, eventBody);
  if ('code' in placement) return reject(placement.code, placement.message);

  const metadata: EventMetadata = {
    topicName,
    topicVersion: stringOrNull(message['version']),
    source,
    eventTime: businessTime(topic, eventBody, canonicalIso(message['timestamp']) ?? envelopeTime),
    // One instant for a whole request: formatted once, then read from toIso's memo.
    receivedAt: toIso(context.receivedAt.getTime()),
    correlationId: correlationIdOf(message['metadata']),
  };
  if (context.mayHoldNul !== false) {
    const nulAt =
      pathOfNulCharacter(eventBody, 'eventBody') ??
      pathOfNulCharacter(topicName, 'topicName') ??
      pathOfNulCharacter(metadata.topicVersion, 'version') ??
      pathOfNulCharacter(metadata.correlationId, 'metadata.correlationId');
    if (nulAt) {
      return reject(INGEST_ERROR_CODES.nulCharacter, `${nulAt} contains U+0000 (NUL), which the ledger's PostgreSQL storage cannot hold; remove it and resend`);
    }
  }
  return {
    outcome: 'event',
    event: {
      eventId: deterministicEventId(placement.identity, eventBody),
      streamId: placement.streamId,
      eventType: topic.template,
      data: eventBody,
      metadata,
    },
  };
}

type Placement = { streamId: string; identity: string } | { code: IngestErrorCode; message: string };

function placeEvent(topic: TopicClass, topicName: string, eventBody: JsonObject): Placement {
  switch (topic.kind) {
    case 'detail': {
      const conversationId = topic.conversationId ?? stringOrNull(eventBody['conversationId']);
      if (!conversationId) {
        return {
          code: INGEST_ERROR_CODES.noConversationId,
          message: `${topicName} names no conversation: expected an id after "conversation." or eventBody.conversationId`,
        };
      }
      return { streamId: `interaction-${conversationId}`, identity: topicName };
    }
    case 'snapshot': {
      const conversationId = stringOrNull(eventBody['id']);
      if (!conversationId) {
        return { code: INGEST_ERROR_CODES.noConversationId, message: `${topicName} snapshot has no eventBody.id (the conversation id)` };
      }
      // One snapshot seen on a queue topic and on a user topic is one fact.
      return { streamId: `interaction-${conversationId}`, identity: `conversation-snapshot:${conversationId}` };
    }
    case 'conversation':
      return { streamId: `interaction-${topic.conversationId}`, identity: topicName };
    case 'user-status':
      return { streamId: `user-${topic.userId}`, identity: topicName };
    case 'other':
      return { streamId: `genesys-${topic.template}`, identity: topicName };
    case 'not-an-event':
      return { code: INGEST_ERROR_CODES.unknownEnvelope, message: `${topicName} is not an event` };
    default: {
      const exhaustive: never = topic;
      return exhaustive;
    }
  }
}

/** The detail, its envelope's time and, when the detail names its topic, that topic classified (once per event). */
type Unwrapped = { message: JsonObject; time: string | null; topic: TopicClass | null } | { code: IngestErrorCode; message: string };

function unwrapEventBridge(event: JsonObject): Unwrapped {
  const detailType = event['detail-type'];
  const detail = event['detail'];
  const source = event['source'];
  if (typeof detailType !== 'string') return { code: INGEST_ERROR_CODES.unknownEnvelope, message: 'EventBridge event has no detail-type string' };
  if (!isObject(detail)) return { code: INGEST_ERROR_CODES.unknownEnvelope, message: 'EventBridge event has no detail object' };
  if (typeof source === 'string' && !GENESYS_EVENTBRIDGE_SOURCE.test(source)) {
    return { code: INGEST_ERROR_CODES.notGenesysSource, message: `EventBridge source ${source} is not a Genesys Cloud partner event source (aws.partner/genesys.com…)` };
  }
  const topicName = detail['topicName'];
  const topic = typeof topicName === 'string' ? classifyTopic(topicName) : null;
  if (topic && topic.template !== detailType) {
    return {
      code: INGEST_ERROR_CODES.detailTypeMismatch,
      message: `detail-type ${detailType} does not match detail.topicName ${String(topicName)} (expected ${topic.template})`,
    };
  }
  return { message: detail, time: canonicalIso(event['time']), topic };
}

/**
 * When it happened. Detail events carry eventTime. A whole-conversation snapshot does not: the time Genesys sent it
 * is when the state it shows took effect (the body's own times can be older, e.g. an unhold has no new time in it);
 * only without a send time does the latest time in the body stand in.
 */
function businessTime(topic: TopicClass, eventBody: JsonObject, sentAt: string | null): string | null {
  const eventTime = eventBody['eventTime'];
  // A time no date can hold (epoch ms beyond year 9999, or before 1970) counts as missing, as an unreadable string does.
  const fromTime = typeof eventTime === 'number' ? epochMsIso(eventTime) : canonicalIso(eventTime);
  if (fromTime) return fromTime;
  if (topic.kind === 'snapshot') return sentAt ?? latestTimeIn(eventBody);
  return sentAt;
}

const SNAPSHOT_TIME_FIELDS = new Set(['startTime', 'endTime', 'connectedTime', 'disconnectedTime', 'startHoldTime', 'startAlertingTime', 'startAcwTime', 'endAcwTime']);

/** A snapshot carries no event time: its latest state-change time is when the state it shows began. */
function latestTimeIn(value: unknown, depth = 0): string | null {
  if (depth > 6 || value === null || typeof value !== 'object') return null;
  let latest: string | null = null;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const candidate = SNAPSHOT_TIME_FIELDS.has(key) ? canonicalIso(child) : latestTimeIn(child, depth + 1);
    if (candidate && (latest === null || candidate > latest)) latest = candidate;
  }
  return latest;
}

function correlationIdOf(metadata: unknown): string | null {
  if (!isObject(metadata)) return null;
  return stringOrNull(metadata['CorrelationId'] ?? metadata['correlationId']);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function reject(code: IngestErrorCode, message: string): NormalisedItem {
  return { outcome: 'rejected', code, message };
}
