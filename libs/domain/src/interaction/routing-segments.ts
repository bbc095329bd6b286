import { toIso } from './body-fields';
import type { AcdOutcome, InteractionParticipant, InteractionSegment, InteractionState } from './interaction-state';
import { addClosedSegment, closeSegment, endMs, inScope, latest, openSegment, startMs } from './segments';

/**
 * Queue and IVR segments. A detail start opens on its own participant (each queue visit is an acd participant, so
 * a re-queue in the same millisecond is a new wait). Ends, and snapshot legs, also match across the whole
 * conversation, so a wait reported by both a detail event and a snapshot counts once.
 */

type Match = (s: InteractionSegment) => boolean;

function allSegments(draft: InteractionState): InteractionSegment[] {
  return draft.participants.flatMap((p) => p.segments);
}

const queueMatch = (queueId: string | undefined): Match => (s) => s.segmentType === 'queue' && inScope(s, { queueId });
const ivrMatch = (flowId: string | undefined): Match => (s) => s.segmentType === 'ivr' && inScope(s, { flowId });

/**
 * The segment an end refers to: this participant's own (open; else, for a queue visit, which is one acd
 * participant, its latest; else one ending then or overlapping the stated span); failing that, the same found
 * on another participant id (a snapshot's).
 */
function segmentEndingAt(
  draft: InteractionState, p: InteractionParticipant, match: Match, span: { fromMs: number | undefined; toMs: number }, oneVisit: boolean,
) {
  const end = toIso(span.toMs);
  const overlaps = (s: InteractionSegment) => span.fromMs !== undefined && startMs(s) <= span.toMs && (endMs(s) ?? Infinity) >= span.fromMs;
  const pick = (segments: InteractionSegment[], own: boolean) =>
    segments.find((s) => s.segmentEnd === null) ??
    (own && oneVisit ? latest(segments) : undefined) ??
    segments.find((s) => s.segmentEnd === end) ??
    segments.find(overlaps);
  return pick(p.segments.filter(match), true) ?? pick(allSegments(draft).filter(match), false);
}

/** A snapshot restates a whole leg (`span`): it is already known when a segment anywhere overlaps it. */
function alreadyKnown(draft: InteractionState, match: Match, span: Span | undefined): boolean {
  if (span === undefined) return false;
  return allSegments(draft).some((s) => match(s) && startMs(s) <= span.toMs && (endMs(s) ?? Infinity) >= span.fromMs);
}

/** The span a snapshot leg states: from its start to its end, or just its start while it is still open. */
export interface Span {
  fromMs: number;
  toMs: number;
}

export function enterQueue(draft: InteractionState, p: InteractionParticipant, queueId: string | undefined, atMs: number, span?: Span): void {
  if (alreadyKnown(draft, queueMatch(queueId), span)) return;
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

/** Returns whether the wait ends now (it was open, or unknown), so that an answer starts an interaction now. */
export function leaveQueue(draft: InteractionState, p: InteractionParticipant, exit: QueueExit): boolean {
  const fromMs = exit.durationMs === undefined ? undefined : exit.atMs - exit.durationMs;
  const known = segmentEndingAt(draft, p, queueMatch(exit.queueId), { fromMs, toMs: exit.atMs }, true);
  const segment = known ?? addClosedSegment(p, 'queue', fromMs ?? exit.atMs, exit.atMs, { queueId: exit.queueId });
  const endsNow = known === undefined || known.segmentEnd === null;
  if (segment.segmentEnd === null) closeSegment(segment, exit.atMs);
  if (segment.queueId === undefined && exit.queueId !== undefined) segment.queueId = exit.queueId;
  if (exit.acdOutcome !== undefined && (exit.authoritative || segment.acdOutcome === undefined)) {
    segment.acdOutcome = exit.acdOutcome;
  }
  if (exit.answeredUserId !== undefined && (exit.authoritative || segment.answeredUserId === undefined)) {
    segment.answeredUserId = exit.answeredUserId;
  }
  return endsNow;
}

export function enterIvr(draft: InteractionState, p: InteractionParticipant, atMs: number, flowId: string | undefined, span?: Span): void {
  if (alreadyKnown(draft, ivrMatch(flowId), span)) return;
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
  let segment = segmentEndingAt(draft, p, ivrMatch(flowId), { fromMs, toMs: atMs }, false);
  if (segment === undefined && fromMs !== undefined) segment = addClosedSegment(p, 'ivr', fromMs, atMs, { flowId });
  if (segment === undefined) return;
  if (segment.flowId === undefined && flowId !== undefined) segment.flowId = flowId;
  if (segment.segmentEnd === null) closeSegment(segment, atMs);
  if (disconnectType !== undefined && segment.disconnectType === undefined) segment.disconnectType = disconnectType;
}
