import { isoMs, sortedUnique, toIso } from './body-fields';
import { isTransferDisconnect } from './casing';
import type {
  InteractionMetrics, InteractionParticipant, InteractionPhase, InteractionSegment, InteractionState, SegmentType,
} from './interaction-state';
import { endMs, latest, sortSegments, startMs } from './segments';

/**
 * Everything but the facts (participants, attributes, conversation fields) is derived from the facts after each
 * event, so a derived field can never drift from the segments it summarises.
 */
export function deriveSummary(draft: InteractionState): void {
  for (const p of draft.participants) sortSegments(p);
  const segments = draft.participants.flatMap((p) => p.segments);
  draft.phase = phaseOf(draft.participants);
  draft.startedAt = segments.length === 0 ? null : toIso(Math.min(...segments.map(startMs)));
  draft.endedAt = draft.phase === 'ended' ? toIso(Math.max(...endInstants(draft.participants))) : null;
  draft.queueIds = sortedUnique(segments.flatMap((s) => (s.queueId === undefined ? [] : [s.queueId])));
  draft.userIds = sortedUnique(draft.participants.flatMap((p) => (p.userId === undefined ? [] : [p.userId])));
  draft.wrapupCodes = sortedUnique(segments.flatMap((s) => (s.wrapUpCode === undefined ? [] : [s.wrapUpCode])));
  const queueSegments = segments.filter((s) => s.segmentType === 'queue');
  draft.acdOutcome = latest(queueSegments.filter((s) => s.acdOutcome !== undefined))?.acdOutcome ?? null;
  draft.disconnectType = conversationDisconnect(draft.participants);
  draft.metrics = metricsOf(draft.participants, queueSegments);
}

const isAgent = (p: InteractionParticipant): boolean => p.userId !== undefined || p.purpose === 'agent';
const isOpen = (s: InteractionSegment): boolean => s.segmentEnd === null;

function endInstants(participants: InteractionParticipant[]): number[] {
  return participants.flatMap((p) => [
    ...p.segments.flatMap((s) => (s.segmentEnd === null ? [] : [isoMs(s.segmentEnd)])),
    ...(p.endedAt === undefined ? [] : [isoMs(p.endedAt)]),
  ]);
}

/**
 * The phase is what the customer experiences now, from the open segments: held > connected > alerting >
 * queued > ivr > wrapup. With nothing open: ended once the customer left (or when no customer leg is known at
 * all); otherwise wrapup if an agent already handled it, ivr if only the IVR did, else null (not yet routed).
 */
export function phaseOf(participants: InteractionParticipant[]): InteractionPhase | null {
  const open = participants.flatMap((p) => p.segments.filter(isOpen).map((s) => ({ s, agent: isAgent(p) })));
  const openType = (type: SegmentType, agentOnly = false) =>
    open.some(({ s, agent }) => s.segmentType === type && (!agentOnly || agent));
  if (openType('hold')) return 'held';
  if (openType('interact', true)) return 'connected';
  if (openType('alert')) return 'alerting';
  if (openType('queue')) return 'queued';
  if (openType('ivr')) return 'ivr';
  if (openType('wrapup')) return 'wrapup';
  const customers = participants.filter((p) => p.purpose === 'customer');
  const anySegment = participants.some((p) => p.segments.length > 0);
  if (open.length === 0 && anySegment && (customers.length === 0 || customers.some((p) => p.endedAt !== undefined))) {
    return 'ended';
  }
  if (participants.some((p) => isAgent(p) && p.segments.length > 0)) return 'wrapup';
  if (participants.some((p) => p.segments.some((s) => s.segmentType === 'ivr'))) return 'ivr';
  return null;
}

/** How the customer's leg ended; without a customer disconnect, the disconnect that happened last. */
function conversationDisconnect(participants: InteractionParticipant[]): string | null {
  const withType = (p: InteractionParticipant) => p.segments.filter((s) => s.disconnectType !== undefined && !isOpen(s));
  const customer = latest(participants.filter((p) => p.purpose === 'customer').flatMap(withType));
  return (customer ?? latest(participants.flatMap(withType)))?.disconnectType ?? null;
}

const closedMs = (s: InteractionSegment): number => {
  const end = endMs(s);
  return end === null ? 0 : end - startMs(s);
};

const sumOf = (segments: InteractionSegment[], type: SegmentType): number =>
  segments.filter((s) => s.segmentType === type).reduce((sum, s) => sum + closedMs(s), 0);

/** One agent leg's handling, when each part was complete (the instant its metric is emitted). */
export interface AgentHandling {
  tAlert: number;
  tTalk: number;
  tHeld: number;
  tAcw: number;
  talkEndMs: number | null;
  acwEndMs: number | null;
}

/**
 * Durations Genesys reported on user.end win; otherwise closed segments. interactingDurationMs includes hold,
 * so talk = interacting - held. Open segments count nothing yet.
 */
export function agentHandling(p: InteractionParticipant): AgentHandling {
  const leg = p.segments.filter((s) => s.segmentType === 'interact' || s.segmentType === 'hold');
  const wrapups = p.segments.filter((s) => s.segmentType === 'wrapup');
  const tHeld = p.reported?.heldMs ?? sumOf(leg, 'hold');
  const interacting = p.reported?.interactingMs ?? sumOf(leg, 'interact') + sumOf(leg, 'hold');
  const legClosed = leg.length > 0 && !leg.some(isOpen);
  const acwClosed = wrapups.length > 0 && !wrapups.some(isOpen);
  const legEnd = p.endedAt !== undefined ? isoMs(p.endedAt) : legClosed ? Math.max(...leg.map((s) => endMs(s) ?? 0)) : null;
  return {
    tAlert: p.reported?.alertingMs ?? sumOf(p.segments, 'alert'),
    tTalk: Math.max(0, interacting - tHeld),
    tHeld,
    tAcw: sumOf(wrapups, 'wrapup'),
    talkEndMs: interacting > 0 ? legEnd : null,
    acwEndMs: acwClosed ? Math.max(...wrapups.map((s) => endMs(s) ?? 0)) : null,
  };
}

function metricsOf(participants: InteractionParticipant[], queueSegments: InteractionSegment[]): InteractionMetrics {
  const all = participants.flatMap((p) => p.segments);
  const agents = participants.filter(isAgent);
  const handling = agents.map(agentHandling);
  const total = (key: 'tAlert' | 'tTalk' | 'tHeld' | 'tAcw') => handling.reduce((sum, h) => sum + h[key], 0);
  const tTalk = total('tTalk');
  const tHeld = total('tHeld');
  const tAcw = total('tAcw');
  // nTransferred counts agent legs ending in a transfer, not the IVR or queue handing the call on.
  const transferred = agents.flatMap((p) => p.segments).filter(
    (s) => (s.segmentType === 'interact' || s.segmentType === 'hold') && isTransferDisconnect(s.disconnectType),
  );
  return {
    tIvr: sumOf(all, 'ivr'),
    tAcd: sumOf(queueSegments, 'queue'),
    tAlert: total('tAlert'),
    tTalk,
    tHeld,
    tAcw,
    tHandle: tTalk + tHeld + tAcw,
    nTransferred: transferred.length,
    abandoned: queueSegments.some((s) => s.acdOutcome === 'ABANDON'),
  };
}
