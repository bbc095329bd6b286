import { toIso } from './body-fields';
import type { AcdOutcome, InteractionParticipant, InteractionSegment, InteractionState } from './interaction-state';
import { addClosedSegment, closeSegment, openSegment } from './segments';

/**
 * Queue and IVR segments are matched across the whole conversation, not only on the named participant: detail
 * events and snapshots may attach the same queue wait to different participant ids, and it must count once.
 */

function allSegments(draft: InteractionState): InteractionSegment[] {
  return draft.participants.flatMap((p) => p.segments);
}

const sameQueue = (queueId: string | undefined) => (s: InteractionSegment) =>
  s.segmentType === 'queue' && (queueId === undefined || s.queueId === queueId);

export function enterQueue(draft: InteractionState, p: InteractionParticipant, queueId: string | undefined, atMs: number): void {
  if (allSegments(draft).some((s) => sameQueue(queueId)(s) && s.segmentEnd === null)) return;
  openSegment(p, 'queue', atMs, queueId);
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

/** Closes the queue wait; returns the segment so the caller can act on the outcome. */
export function leaveQueue(draft: InteractionState, p: InteractionParticipant, exit: QueueExit): InteractionSegment {
  const matches = sameQueue(exit.queueId);
  const end = toIso(exit.atMs);
  const segment =
    p.segments.find((s) => matches(s) && s.segmentEnd === null) ??
    allSegments(draft).find((s) => matches(s) && s.segmentEnd === null) ??
    allSegments(draft).find((s) => matches(s) && s.segmentEnd === end) ??
    addClosedSegment(p, 'queue', exit.atMs - (exit.durationMs ?? 0), exit.atMs);
  if (segment.segmentEnd === null) closeSegment(segment, exit.atMs);
  if (segment.queueId === undefined && exit.queueId !== undefined) segment.queueId = exit.queueId;
  if (exit.acdOutcome !== undefined && (exit.authoritative || segment.acdOutcome === undefined)) {
    segment.acdOutcome = exit.acdOutcome;
  }
  if (exit.answeredUserId !== undefined && (exit.authoritative || segment.answeredUserId === undefined)) {
    segment.answeredUserId = exit.answeredUserId;
  }
  return segment;
}

export function enterIvr(draft: InteractionState, p: InteractionParticipant, atMs: number): void {
  if (allSegments(draft).some((s) => s.segmentType === 'ivr' && s.segmentEnd === null)) return;
  openSegment(p, 'ivr', atMs);
}

export function leaveIvr(
  draft: InteractionState,
  p: InteractionParticipant,
  atMs: number,
  disconnectType: string | undefined,
  durationMs: number | undefined,
): void {
  const end = toIso(atMs);
  const isIvr = (s: InteractionSegment) => s.segmentType === 'ivr';
  let segment =
    p.segments.find((s) => isIvr(s) && s.segmentEnd === null) ??
    allSegments(draft).find((s) => isIvr(s) && s.segmentEnd === null) ??
    allSegments(draft).find((s) => isIvr(s) && s.segmentEnd === end);
  if (segment === undefined && durationMs !== undefined) segment = addClosedSegment(p, 'ivr', atMs - durationMs, atMs);
  if (segment === undefined) return;
  if (segment.segmentEnd === null) closeSegment(segment, atMs);
  if (disconnectType !== undefined && segment.disconnectType === undefined) segment.disconnectType = disconnectType;
}
