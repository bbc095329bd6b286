import { isoMs, toIso } from './body-fields';
import type { InteractionParticipant, InteractionSegment, InteractionState, SegmentType } from './interaction-state';

/**
 * In-place edits of a draft state (a private copy made by `evolve`). Every edit is idempotent: applying the
 * same fact twice leaves the draft as applying it once, which is what makes duplicate deliveries harmless.
 */

const SEGMENT_ORDER: readonly SegmentType[] = ['ivr', 'queue', 'alert', 'interact', 'hold', 'wrapup'];
const AGENT_LEG: readonly SegmentType[] = ['alert', 'interact', 'hold'];
const AGENT_SEGMENTS: readonly SegmentType[] = ['alert', 'interact', 'hold', 'wrapup'];

/** The most specific purpose wins whatever the order: several event kinds can name the same participant. */
const PURPOSE_RANK: Readonly<Record<string, number>> = { customer: 6, agent: 5, user: 5, acd: 4, ivr: 3, voicemail: 2, unknown: 0 };
const purposeRank = (purpose: string): number => PURPOSE_RANK[purpose] ?? 1;

export function upsertParticipant(draft: InteractionState, participantId: string, purpose: string): InteractionParticipant {
  const found = draft.participants.find((p) => p.participantId === participantId);
  if (found === undefined) {
    const created: InteractionParticipant = { participantId, purpose, segments: [] };
    draft.participants.push(created);
    return created;
  }
  if (purposeRank(purpose) > purposeRank(found.purpose)) found.purpose = purpose;
  return found;
}

/** The first known user and queue stick; agent segments recorded before they were known get them too. */
export function fillIdentity(p: InteractionParticipant, ids: { userId?: string | undefined; queueId?: string | undefined }): void {
  if (p.userId === undefined && ids.userId !== undefined) p.userId = ids.userId;
  if (p.queueId === undefined && ids.queueId !== undefined) p.queueId = ids.queueId;
  for (const s of p.segments) if (AGENT_SEGMENTS.includes(s.segmentType)) stampAgent(p, s);
}

/** Only user legs carry identity onto segments: a customer's queueId (REST) is not a queue it waited in. */
function stampAgent(p: InteractionParticipant, s: InteractionSegment): void {
  if (p.userId === undefined) return;
  if (s.userId === undefined && p.userId !== undefined) s.userId = p.userId;
  if (s.queueId === undefined && p.queueId !== undefined) s.queueId = p.queueId;
}

export const startMs = (s: InteractionSegment): number => isoMs(s.segmentStart);
export const endMs = (s: InteractionSegment): number | null => (s.segmentEnd === null ? null : isoMs(s.segmentEnd));

export function openOf(p: InteractionParticipant, types: readonly SegmentType[]): InteractionSegment[] {
  return p.segments.filter((s) => s.segmentEnd === null && types.includes(s.segmentType));
}

/** Which queue or flow a segment is about; a side that does not say matches anything. */
export interface SegmentScope {
  queueId?: string | undefined;
  flowId?: string | undefined;
}

const compatible = (a: string | undefined, b: string | undefined): boolean => a === undefined || b === undefined || a === b;

export function inScope(s: InteractionSegment, scope: SegmentScope): boolean {
  return compatible(s.queueId, scope.queueId) && compatible(s.flowId, scope.flowId);
}

/** Adds an open segment unless one of that type and scope is open, or was already opened at that instant. */
export function openSegment(p: InteractionParticipant, type: SegmentType, atMs: number, scope: SegmentScope = {}): InteractionSegment | undefined {
  const at = toIso(atMs);
  const same = (s: InteractionSegment) => s.segmentType === type && inScope(s, scope);
  if (p.segments.some((s) => same(s) && (s.segmentEnd === null || s.segmentStart === at))) return undefined;
  const segment: InteractionSegment = { segmentType: type, segmentStart: at, segmentEnd: null };
  if (scope.queueId !== undefined) segment.queueId = scope.queueId;
  if (scope.flowId !== undefined) segment.flowId = scope.flowId;
  if (AGENT_SEGMENTS.includes(type)) stampAgent(p, segment);
  p.segments.push(segment);
  return segment;
}

/** Adds a closed segment [start, end] unless that type and scope already has a segment ending at `end`. */
export function addClosedSegment(
  p: InteractionParticipant, type: SegmentType, fromMs: number, toMs: number, scope: SegmentScope = {},
): InteractionSegment {
  const end = toIso(toMs);
  const existing = p.segments.find((s) => s.segmentType === type && inScope(s, scope) && s.segmentEnd === end);
  if (existing !== undefined) return existing;
  const segment: InteractionSegment = { segmentType: type, segmentStart: toIso(Math.min(fromMs, toMs)), segmentEnd: end };
  if (scope.queueId !== undefined) segment.queueId = scope.queueId;
  if (scope.flowId !== undefined) segment.flowId = scope.flowId;
  if (AGENT_SEGMENTS.includes(type)) stampAgent(p, segment);
  p.segments.push(segment);
  return segment;
}

export function closeSegment(s: InteractionSegment, atMs: number): void {
  s.segmentEnd = toIso(Math.max(atMs, startMs(s)));
}

export function closeOpen(p: InteractionParticipant, types: readonly SegmentType[], atMs: number): InteractionSegment[] {
  const open = openOf(p, types);
  for (const s of open) closeSegment(s, atMs);
  return open;
}

/** The agent answered: the alert (if any) ends and the interaction begins. */
export function connectAgent(p: InteractionParticipant, atMs: number): void {
  if (p.endedAt !== undefined || openOf(p, ['interact', 'hold']).length > 0) return;
  closeOpen(p, ['alert'], atMs);
  openSegment(p, 'interact', atMs);
}

/** Hold interrupts the interact segment, as analytics splits them. */
export function startHold(p: InteractionParticipant, atMs: number): void {
  if (p.endedAt !== undefined || openOf(p, ['hold']).length > 0) return;
  closeOpen(p, ['interact'], atMs);
  openSegment(p, 'hold', atMs);
}

export function endHold(p: InteractionParticipant, atMs: number): void {
  if (closeOpen(p, ['hold'], atMs).length === 0 || p.endedAt !== undefined) return;
  openSegment(p, 'interact', atMs);
}

export interface LegEnd {
  atMs: number;
  disconnectType: string | undefined;
  interactingMs?: number | undefined;
  alertingMs?: number | undefined;
}

/**
 * An agent leg ended. Without an answer seen (no acd.end ANSWERED, no connected snapshot), a positive
 * interactingDurationMs says the agent did answer: interact = [end - interacting, end].
 */
export function endAgentLeg(p: InteractionParticipant, end: LegEnd): void {
  const { atMs, interactingMs = 0, alertingMs = 0 } = end;
  const wasEnded = p.endedAt !== undefined;
  const answered = p.segments.some((s) => s.segmentType === 'interact' || s.segmentType === 'hold');
  const alert = openOf(p, ['alert'])[0];
  if (!wasEnded && alert !== undefined && !answered && interactingMs > 0) {
    connectAgent(p, Math.max(startMs(alert), atMs - interactingMs));
  }
  const closed = closeOpen(p, AGENT_LEG, atMs);
  if (!wasEnded && closed.length === 0 && !p.segments.some((s) => AGENT_LEG.includes(s.segmentType))) {
    if (alertingMs > 0) addClosedSegment(p, 'alert', atMs - interactingMs - alertingMs, atMs - interactingMs);
    if (interactingMs > 0) addClosedSegment(p, 'interact', atMs - interactingMs, atMs);
  }
  markLastDisconnect(p, AGENT_LEG, end.disconnectType);
  p.endedAt ??= toIso(atMs);
}

/** A customer (or other non-agent) leg ended. */
export function endCustomerLeg(p: InteractionParticipant, end: LegEnd): void {
  const wasEnded = p.endedAt !== undefined;
  const closed = closeOpen(p, ['interact'], end.atMs);
  if (!wasEnded && closed.length === 0) addClosedSegment(p, 'interact', end.atMs - (end.interactingMs ?? 0), end.atMs);
  markLastDisconnect(p, ['interact'], end.disconnectType);
  p.endedAt ??= toIso(end.atMs);
}

export function markLastDisconnect(p: InteractionParticipant, types: readonly SegmentType[], disconnectType: string | undefined): void {
  if (disconnectType === undefined) return;
  const last = latest(p.segments.filter((s) => s.segmentEnd !== null && types.includes(s.segmentType)));
  if (last !== undefined && last.disconnectType === undefined) last.disconnectType = disconnectType;
}

/** The segment that ended last (then started last); ties keep the later one in the list. */
export function latest(segments: InteractionSegment[]): InteractionSegment | undefined {
  let best: InteractionSegment | undefined;
  for (const s of segments) {
    if (best === undefined) best = s;
    else {
      const a = endMs(s) ?? Infinity;
      const b = endMs(best) ?? Infinity;
      if (a > b || (a === b && startMs(s) >= startMs(best))) best = s;
    }
  }
  return best;
}

/**
 * ACW (or a wrap-up) of [end - duration, end]. One wrapup segment per participant: acw and wrapup events, and
 * snapshots, all describe the same after-call work, so they merge (widest span, an explicit code wins).
 */
export function recordWrapup(p: InteractionParticipant, endAtMs: number, durationMs: number, code: string | undefined): void {
  const fromMs = endAtMs - Math.max(0, durationMs);
  const existing = p.segments.find((s) => s.segmentType === 'wrapup');
  const segment = existing ?? addClosedSegment(p, 'wrapup', fromMs, endAtMs);
  if (existing !== undefined) {
    existing.segmentStart = toIso(Math.min(startMs(existing), fromMs));
    closeSegment(existing, Math.max(endMs(existing) ?? endAtMs, endAtMs));
  }
  if (code !== undefined) segment.wrapUpCode = code;
}

/** Sorted by start, then by the conversation's natural order of segment types. */
export function sortSegments(p: InteractionParticipant): void {
  p.segments.sort((a, b) => startMs(a) - startMs(b) || SEGMENT_ORDER.indexOf(a.segmentType) - SEGMENT_ORDER.indexOf(b.segmentType));
}
