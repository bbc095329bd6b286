import { snapshotLegMediaType } from './casing';

/** The conversation detail-event kinds (genesys README §2), in the order they break ties at equal eventTime. */
export const DETAIL_EVENT_KINDS = [
  'customer.start',
  'outbound',
  'contact',
  'flow.start',
  'flow.outcome',
  'flow.end',
  'acd.start',
  'user.start',
  'acd.end',
  'voicemail.start',
  'voicemail.end',
  'attributes',
  'user.end',
  'acw',
  'wrapup',
  'customer.end',
] as const;

export type DetailEventKind = (typeof DETAIL_EVENT_KINDS)[number];

/** Which topic family carried a whole-conversation snapshot. */
export type SnapshotScope = 'user' | 'queue' | 'conversation';

export type EventKind =
  | { kind: DetailEventKind }
  /** A whole conversation (participants and media legs), not a change. `mediaType` comes from a per-media topic. */
  | { kind: 'snapshot'; scope: SnapshotScope; mediaType: string | null }
  | { kind: 'ignored' };

const DETAIL_KIND_SET: ReadonlySet<string> = new Set(DETAIL_EVENT_KINDS);

const DETAIL_TOPIC = /^v2\.detail\.events\.conversation\.[^.]+\.(.+)$/;
const USER_TOPIC = /^v2\.users\.[^.]+\.conversations(?:\.([A-Za-z]+))?$/;
const QUEUE_TOPIC = /^v2\.routing\.queues\.[^.]+\.conversations(?:\.([A-Za-z]+))?$/;
const CONVERSATION_TOPIC = /^v2\.conversations\.(?:([A-Za-z]+)\.)?[^.]+$/;

function isDetailKind(value: string): value is DetailEventKind {
  return DETAIL_KIND_SET.has(value);
}

/** A per-media suffix must name a media leg (`.calls`); `.summaries` and the like are not conversations. */
function snapshot(scope: SnapshotScope, suffix: string | undefined): EventKind {
  if (suffix === undefined) return { kind: 'snapshot', scope, mediaType: null };
  const mediaType = snapshotLegMediaType(suffix);
  return mediaType === undefined ? { kind: 'ignored' } : { kind: 'snapshot', scope, mediaType };
}

/** Classifies an event type (topic template; real ids are accepted too). Anything unrecognised is `ignored`. */
export function parseEventKind(eventType: string): EventKind {
  const detail = DETAIL_TOPIC.exec(eventType);
  if (detail) {
    const kind = detail[1] ?? '';
    return isDetailKind(kind) ? { kind } : { kind: 'ignored' };
  }
  const user = USER_TOPIC.exec(eventType);
  if (user) return snapshot('user', user[1]);
  const queue = QUEUE_TOPIC.exec(eventType);
  if (queue) return snapshot('queue', queue[1]);
  const conversation = CONVERSATION_TOPIC.exec(eventType);
  if (conversation) return snapshot('conversation', conversation[1]);
  return { kind: 'ignored' };
}

const SNAPSHOT_RANK = 90;
const IGNORED_RANK = 99;

/**
 * Tie-break at equal eventTime: the causal order of a conversation (start before end, queue before answer,
 * interaction before after-call work). Snapshots come after the detail events of the same millisecond.
 */
export function kindRank(kind: EventKind): number {
  if (kind.kind === 'snapshot') return SNAPSHOT_RANK;
  if (kind.kind === 'ignored') return IGNORED_RANK;
  return DETAIL_EVENT_KINDS.indexOf(kind.kind);
}
