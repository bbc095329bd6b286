/**
 * What each Genesys topic is, and which stream its events belong to. Topic templates are the topic names with ids
 * replaced by `{id}`, exactly EventBridge's `detail-type`.
 */

export const DETAIL_EVENT_KINDS = [
  'customer.start',
  'customer.end',
  'acd.start',
  'acd.end',
  'user.start',
  'user.end',
  'acw',
  'wrapup',
  'attributes',
  'contact',
  'flow.start',
  'flow.end',
  'flow.outcome',
  'outbound',
  'voicemail.start',
  'voicemail.end',
] as const;
export type DetailEventKind = (typeof DETAIL_EVENT_KINDS)[number];

export const SNAPSHOT_MEDIA_SUFFIXES = [
  'callbacks',
  'calls',
  'chats',
  'cobrowseSessions',
  'emails',
  'messages',
  'screenshares',
  'socialexpressions',
  'videos',
] as const;

/** User topics whose events describe the agent's availability: kept on the `user-<id>` stream. */
export const USER_STATUS_TOPICS = [
  'presence',
  'routingStatus',
  'activity',
  'station',
  'integrationpresence',
  'outofoffice',
  'geolocation',
] as const;

export type TopicClass = Readonly<
  | { kind: 'detail'; template: string; conversationId: string | null; detailKind: DetailEventKind | null }
  | { kind: 'snapshot'; template: string }
  | { kind: 'conversation'; template: string; conversationId: string }
  | { kind: 'user-status'; template: string; userId: string }
  | { kind: 'not-an-event'; template: string; reason: string }
  | { kind: 'other'; template: string }
>;

/** What an id in a topic looks like: a UUID, 32 hex digits, or a number of three digits or more. */
const ID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|\\d{3,}';
const ID_SEGMENT = new RegExp(`^(?:${ID_PATTERN})$`, 'i');
/** Every whole dot-separated segment of a topic that is an id. */
const ID_SEGMENTS = new RegExp(`(?<=^|\\.)(?:${ID_PATTERN})(?=\\.|$)`, 'gi');

/**
 * `v2.users.<uuid>.presence` → `v2.users.{id}.presence`: every segment that is an id, replaced. One regular
 * expression pass, not a split, a test per segment and a join: it runs for every ingested event.
 */
export function topicTemplate(topicName: string): string {
  return topicName.replace(ID_SEGMENTS, '{id}');
}

/** The ids of a topic, in the order they appear. */
export function topicIds(topicName: string): string[] {
  return topicName.split('.').filter((segment) => ID_SEGMENT.test(segment));
}

const DETAIL_PREFIX = 'v2.detail.events.conversation.';
const SNAPSHOT_TEMPLATES = new Set(
  ['v2.users.{id}.conversations', 'v2.routing.queues.{id}.conversations'].flatMap((base) => [
    base,
    ...SNAPSHOT_MEDIA_SUFFIXES.map((suffix) => `${base}.${suffix}`),
  ]),
);
const CONVERSATION_TOPIC = /^v2\.(?:conversations(?:\.[a-zA-Z]+)?|analytics\.conversation)\.\{id\}(?:\.|$)/;

/**
 * A conversation's events repeat a handful of topics (every attribute update, every participant change), so ingest
 * classifies the same names again and again: a bounded memo, cleared when full, answers the repeats. Its classes are
 * frozen, being shared.
 */
const CLASSIFIED = new Map<string, TopicClass>();
const MAX_CLASSIFIED = 20_000;

export function classifyTopic(topicName: string): TopicClass {
  let topic = CLASSIFIED.get(topicName);
  if (topic === undefined) {
    if (CLASSIFIED.size >= MAX_CLASSIFIED) CLASSIFIED.clear();
    topic = Object.freeze(classifyOnce(topicName));
    CLASSIFIED.set(topicName, topic);
  }
  return topic;
}

function classifyOnce(topicName: string): TopicClass {
  const template = topicTemplate(topicName);
  if (topicName === 'channel.metadata') return { kind: 'not-an-event', template, reason: 'channel heartbeat' };
  if (topicName.startsWith('v2.system.')) return { kind: 'not-an-event', template, reason: 'system message' };

  if (topicName.startsWith(DETAIL_PREFIX)) {
    const rest = topicName.slice(DETAIL_PREFIX.length);
    const [first, ...kindParts] = rest.split('.');
    const conversationId = first !== undefined && ID_SEGMENT.test(first) ? first : null;
    const kind = (conversationId ? kindParts : [first, ...kindParts]).join('.');
    const detailKind = (DETAIL_EVENT_KINDS as readonly string[]).includes(kind) ? (kind as DetailEventKind) : null;
    return { kind: 'detail', template, conversationId, detailKind };
  }
  if (SNAPSHOT_TEMPLATES.has(template)) return { kind: 'snapshot', template };
  if (CONVERSATION_TOPIC.test(template)) {
    const conversationId = topicIds(topicName)[0];
    if (conversationId) return { kind: 'conversation', template, conversationId };
  }
  const user = /^v2\.users\.\{id\}\.([a-zA-Z]+)$/.exec(template);
  const userId = topicIds(topicName)[0];
  if (user && userId && (USER_STATUS_TOPICS as readonly string[]).includes(user[1] ?? '')) {
    return { kind: 'user-status', template, userId };
  }
  return { kind: 'other', template };
}

/** Matches a topic against `INGEST_TOPICS`-style patterns, where `*` stands for any run of characters. */
export function compileTopicPatterns(patterns: readonly string[]): (topicName: string, template: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regexes = patterns.map(
    (pattern) => new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`),
  );
  return (topicName, template) => regexes.some((regex) => regex.test(topicName) || regex.test(template));
}
