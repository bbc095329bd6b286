import { type Body, count, instantMs, isoMs, record, records, text } from './body-fields';
import { normaliseDirection, normaliseDisconnectType, normalisePurpose, snapshotLegMediaType } from './casing';
import { addExternalContacts, mergeAttributes, setField } from './detail-events';
import type { InteractionParticipant, InteractionState } from './interaction-state';
import { enterIvr, enterQueue, leaveIvr, leaveQueue } from './routing-segments';
import {
  addClosedSegment, connectAgent, endAgentLeg, endCustomerLeg, endHold, fillIdentity, openOf, openSegment,
  recordWrapup, startHold, upsertParticipant,
} from './segments';

/**
 * A whole-conversation body (user / queue topics, `v2.conversations.{id}`, REST GET conversation): participants
 * with media legs. It states what is true at `atMs`; the handler reconciles that with what is already known,
 * opening and closing segments only where the body says something new.
 */

type Role = 'customer' | 'ivr' | 'acd' | 'agent' | 'other';

interface Leg {
  body: Body;
  mediaType: string | undefined;
}

interface LegTimes {
  startMs: number | undefined;
  connectedMs: number | undefined;
  endMs: number | undefined;
  terminal: boolean;
}

const ALERTING_STATES = new Set(['alerting', 'offering', 'contacting', 'dialing']);
const TERMINAL_STATES = new Set(['disconnected', 'terminated']);

function roleOf(purpose: string, userId: string | undefined): Role {
  if (purpose === 'customer') return 'customer';
  if (purpose === 'ivr') return 'ivr';
  if (purpose === 'acd') return 'acd';
  return userId !== undefined || purpose === 'agent' || purpose === 'user' ? 'agent' : 'other';
}

/** Media legs live in `calls`, `chats`, ...; per-media topics flatten the one leg onto the participant. */
function legsOf(participant: Body, topicMediaType: string | null): Leg[] {
  const isLeg = (b: Body) => text(b.state) !== undefined || b.connectedTime !== undefined || b.disconnectedTime !== undefined;
  const legs: Leg[] = [];
  for (const [key, value] of Object.entries(participant)) {
    const mediaType = snapshotLegMediaType(key);
    if (mediaType === undefined) continue;
    for (const body of records(value)) if (isLeg(body)) legs.push({ body, mediaType });
  }
  if (legs.length === 0 && isLeg(participant)) legs.push({ body: participant, mediaType: topicMediaType ?? undefined });
  return legs;
}

function legTimes(leg: Body, participant: Body, atMs: number | undefined): LegTimes {
  const terminal = TERMINAL_STATES.has(text(leg.state)?.toLowerCase() ?? '') || leg.disconnectedTime !== undefined;
  const connectedMs = instantMs(leg.connectedTime) ?? instantMs(participant.connectedTime);
  const startMs = instantMs(leg.startAlertingTime) ?? instantMs(participant.startTime) ?? connectedMs;
  const endMs = instantMs(leg.disconnectedTime) ?? (terminal ? (instantMs(participant.endTime) ?? atMs) : undefined);
  return { startMs, connectedMs, endMs, terminal };
}

export function applyConversationSnapshot(draft: InteractionState, body: Body, atMs: number | undefined, topicMediaType: string | null): void {
  const participants = records(body.participants);
  for (const raw of participants) {
    const participantId = text(raw.id);
    if (participantId === undefined) continue;
    const userId = text(raw.userId) ?? text(record(raw.user)?.id);
    const queueId = text(raw.queueId) ?? text(record(raw.queue)?.id) ?? text(record(record(raw.conversationRoutingData)?.queue)?.id);
    const purpose = normalisePurpose(text(raw.purpose)) ?? (userId !== undefined ? 'agent' : 'unknown');
    const role = roleOf(purpose, userId);
    const p = upsertParticipant(draft, participantId, purpose);
    fillIdentity(p, { userId, queueId });
    mergeAttributes(draft, raw.attributes);
    addExternalContacts(draft, [text(raw.externalContactId)].flatMap((id) => id ?? []));
    const legs = legsOf(raw, topicMediaType);
    if (role === 'customer') {
      setField(draft, 'ani', text(raw.ani), true);
      setField(draft, 'dnis', text(raw.dnis), true);
    }
    for (const leg of legs) {
      setField(draft, 'mediaType', leg.mediaType, role === 'customer');
      if (role === 'customer') setField(draft, 'direction', normaliseDirection(text(leg.body.direction)), true);
      const times = legTimes(leg.body, raw, atMs);
      const disconnectType = normaliseDisconnectType(text(leg.body.disconnectType));
      if (role === 'customer') applyCustomerLeg(p, times, disconnectType);
      else if (role === 'ivr') applyIvrLeg(draft, p, times, disconnectType);
      else if (role === 'acd') applyAcdLeg(draft, p, p.queueId, times, participants);
      else if (role === 'agent') applyAgentLeg(p, leg.body, raw, times, disconnectType, atMs);
    }
  }
}

function applyCustomerLeg(p: InteractionParticipant, t: LegTimes, disconnectType: string | undefined): void {
  if (p.endedAt !== undefined) return;
  if (t.startMs !== undefined && !p.segments.some((s) => s.segmentType === 'interact')) openSegment(p, 'interact', t.startMs);
  if (t.terminal && t.endMs !== undefined) endCustomerLeg(p, { atMs: t.endMs, disconnectType });
}

function applyIvrLeg(draft: InteractionState, p: InteractionParticipant, t: LegTimes, disconnectType: string | undefined): void {
  const fromMs = t.connectedMs ?? t.startMs;
  if (fromMs !== undefined) enterIvr(draft, p, fromMs, undefined, { fromMs, toMs: t.endMs ?? fromMs });
  if (t.terminal && t.endMs !== undefined) {
    const durationMs = fromMs === undefined ? undefined : t.endMs - fromMs;
    leaveIvr(draft, p, { atMs: t.endMs, flowId: undefined, disconnectType, durationMs });
  }
}

/** acd.end states the outcome; from a snapshot it is inferred: an agent connected → answered, the customer gone → abandoned. */
function applyAcdLeg(draft: InteractionState, p: InteractionParticipant, queueId: string | undefined, t: LegTimes, all: Body[]): void {
  const fromMs = t.connectedMs ?? t.startMs;
  if (fromMs !== undefined) enterQueue(draft, p, queueId, fromMs, { fromMs, toMs: t.endMs ?? fromMs });
  if (!t.terminal || t.endMs === undefined) return;
  const endMs = t.endMs;
  const connectedAgent = all.find((raw) => {
    const agentId = text(raw.userId) ?? text(record(raw.user)?.id);
    return agentId !== undefined && legsOf(raw, null).some((leg) => instantMs(leg.body.connectedTime) !== undefined);
  });
  const customerGone = all.some(
    (raw) => normalisePurpose(text(raw.purpose)) === 'customer' &&
      legsOf(raw, null).some((leg) => (instantMs(leg.body.disconnectedTime) ?? Infinity) <= endMs + 1000),
  );
  const answeredUserId = connectedAgent === undefined ? undefined : (text(connectedAgent.userId) ?? text(record(connectedAgent.user)?.id));
  const acdOutcome = answeredUserId !== undefined ? 'ANSWERED' : customerGone ? 'ABANDON' : undefined;
  const durationMs = fromMs === undefined ? undefined : endMs - fromMs;
  leaveQueue(draft, p, { atMs: endMs, queueId, acdOutcome, answeredUserId, durationMs, authoritative: false });
}

function applyAgentLeg(
  p: InteractionParticipant, leg: Body, raw: Body, t: LegTimes, disconnectType: string | undefined, atMs: number | undefined,
): void {
  const state = text(leg.state)?.toLowerCase() ?? '';
  const neverSeen = !p.segments.some((s) => s.segmentType !== 'wrapup');
  if (p.endedAt === undefined) {
    if (neverSeen && t.startMs !== undefined && t.connectedMs !== undefined && t.startMs < t.connectedMs) {
      addClosedSegment(p, 'alert', t.startMs, t.connectedMs);
    }
    const alertAt = t.startMs ?? atMs;
    if (ALERTING_STATES.has(state) && alertAt !== undefined && openOf(p, ['alert', 'interact', 'hold']).length === 0) {
      openSegment(p, 'alert', alertAt);
    }
    const connectedAt = t.connectedMs ?? (state === 'connected' ? atMs : undefined);
    if (connectedAt !== undefined) connectAgent(p, connectedAt);
    const holdAt = instantMs(leg.startHoldTime) ?? atMs;
    if (leg.held === true && !t.terminal && holdAt !== undefined) startHold(p, holdAt);
    if (leg.held === false && atMs !== undefined) endHold(p, atMs);
    if (t.terminal && t.endMs !== undefined) endAgentLeg(p, { atMs: t.endMs, disconnectType });
  }
  applyAfterCallWork(p, leg, raw, atMs);
}

/** afterCallWork.state pending → wrapup open; complete → closed; skipped / notApplicable → no wrapup at all. */
function applyAfterCallWork(p: InteractionParticipant, leg: Body, raw: Body, atMs: number | undefined): void {
  const acw = record(leg.afterCallWork);
  const acwState = text(acw?.state)?.toLowerCase();
  const startMs = instantMs(acw?.startTime) ?? instantMs(raw.startAcwTime);
  const endMs = instantMs(acw?.endTime) ?? instantMs(raw.endAcwTime);
  const skipped = acwState === 'skipped' || acwState === 'notapplicable';
  const hasWrapup = p.segments.some((s) => s.segmentType === 'wrapup');
  if (!skipped && startMs !== undefined && endMs !== undefined) recordWrapup(p, endMs, endMs - startMs, undefined);
  else if (!skipped && !hasWrapup && (startMs !== undefined || acwState === 'pending')) {
    const from = startMs ?? (p.endedAt === undefined ? atMs : isoMs(p.endedAt));
    if (from !== undefined) openSegment(p, 'wrapup', from);
  }
  const wrapup = record(leg.wrapup) ?? record(raw.wrapup);
  const code = text(wrapup?.code);
  if (code === undefined) return;
  const existing = p.segments.find((s) => s.segmentType === 'wrapup');
  if (existing !== undefined) {
    existing.wrapUpCode ??= code;
    return;
  }
  const endAt = instantMs(wrapup?.endTime) ?? (p.endedAt === undefined ? atMs : isoMs(p.endedAt));
  if (endAt !== undefined) recordWrapup(p, endAt, (count(wrapup?.durationSeconds) ?? 0) * 1000, code);
}
