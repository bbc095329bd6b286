import { toIso } from './body-fields';
import type { AcdOutcome, InteractionParticipant, InteractionSegment, InteractionState } from './interaction-state';
import { addClosedSegment, closeSegment, endMs, inScope, openSegment, startMs } from './segments';

/**
 * Queue and IVR segments are matched across the whole conversation, not only on the named participant: detail
 * events and snapshots may attach the same queue wait to different participant ids, and it must count once.
 */

type Match = (s: InteractionSegment) => boolean;

function allSegments(draft: InteractionState): InteractionSegment[] {
  return draft.participants.flatMap((p) => p.segments);
}

const queueMatch = (queueId: string | undefined): Match => (s) => s.segmentType === 'queue' && inScope(s, { queueId });
const ivrMatch = (flowId: string | undefined): Match => (s) => s.segmentType === 'ivr' && inScope(s, { flowId });

/** The segment an end refers to: the open one (this participant's first), else one already closed that overlaps. */
function segmentEndingAt(draft: InteractionState, p: InteractionParticipant, match: Match, fromMs: number | undefined, toMs: number) {
  const all = allSegments(draft).filter(match);
  const end = toIso(toMs);
  const overlaps = (s: InteractionSegment) => fromMs !== undefined && startMs(s) <= toMs && (endMs(s) ?? Infinity) >= fromMs;
  return (
    p.segments.find((s) => match(s) && s.segmentEnd === null) ??
    all.find((s) => s.segmentEnd === null) ??
    all.find((s) => s.segmentEnd === end) ??
    all.find(overlaps)
  );
}

/** A start is a duplicate when that wait is open, or a known one started then or spans that instant. */
function alreadyKnown(draft: InteractionState, match: Match, atMs: number): boolean {
  return allSegments(draft).some((s) => match(s) && (startMs(s) === atMs || (startMs(s) < atMs && atMs < (endMs(s) ?? Infinity))));
}

export function enterQueue(draft: InteractionState, p: InteractionParticipant, queueId: string | undefined, atMs: number): void {
  const match = queueMatch(queueId);
  if (allSegments(draft).some((s) => match(s) && s.segmentEnd === null) || alreadyKnown(draft, match, atMs)) return;
  openSegment(p, 'queue', atMs, { queueId });
}

export interface QueueExit {
  atMs: number;
  queueId: string | undefined;
  acdOutcome: AcdOutcome | undefined;
  answeredUserId: string | undefined;
  /** How long it was in queue, when the start was never seen. */
  durationMs: number | undefined;
  /** acd.end is authoritative; an outcome inferred from a snapshot only fills a gap. */
  authoritative: boolean;
}

export function leaveQueue(draft: InteractionState, p: InteractionParticipant, exit: QueueExit): void {
  const fromMs = exit.durationMs === undefined ? undefined : exit.atMs - exit.durationMs;
  const segment =
    segmentEndingAt(draft, p, queueMatch(exit.queueId), fromMs, exit.atMs) ??
    addClosedSegment(p, 'queue', fromMs ?? exit.atMs, exit.atMs);
  if (segment.segmentEnd === null) closeSegment(segment, exit.atMs);
  if (segment.queueId === undefined && exit.queueId !== undefined) segment.queueId = exit.queueId;
  if (exit.acdOutcome !== undefined && (exit.authoritative || segment.acdOutcome === undefined)) {
    segment.acdOutcome = exit.acdOutcome;
  }
  if (exit.answeredUserId !== undefined && (exit.authoritative || segment.answeredUserId === undefined)) {
    segment.answeredUserId = exit.answeredUserId;
  }
}

export function enterIvr(draft: InteractionState, p: InteractionParticipant, atMs: number, flowId: string | undefined): void {
  const match = ivrMatch(flowId);
  if (allSegments(draft).some((s) => match(s) && s.segmentEnd === null) || alreadyKnown(draft, match, atMs)) return;
  openSegment(p, 'ivr', atMs, { flowId });
}

/** Without a start ever seen and no duration given, an IVR end has no span to record. */
export function leaveIvr(
  draft: InteractionState,
  p: InteractionParticipant,
  end: { atMs: number; flowId: string | undefined; disconnectType: string | undefined; durationMs: number | undefined },
): void {
  const { atMs, flowId, disconnectType, durationMs } = end;
  const fromMs = durationMs === undefined ? undefined : atMs - durationMs;
  let segment = segmentEndingAt(draft, p, ivrMatch(flowId), fromMs, atMs);
  if (segment === undefined && fromMs !== undefined) segment = addClosedSegment(p, 'ivr', fromMs, atMs);
  if (segment === undefined) return;
  if (segment.flowId === undefined && flowId !== undefined) segment.flowId = flowId;
  if (segment.segmentEnd === null) closeSegment(segment, atMs);
  if (disconnectType !== undefined && segment.disconnectType === undefined) segment.disconnectType = disconnectType;
}
