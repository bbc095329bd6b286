import type { FoldableEvent } from '../foldable-event';
import { emptyMetrics, type InteractionMetrics } from '../interaction-state';
import { ConversationScript, type ConversationScriptOptions } from './conversation-script';

/**
 * A declarative plan of one conversation (IVR, queue visits, agents, holds, after-call work) turned into the
 * events Genesys would emit. Durations are in seconds; zero durations are allowed and produce equal eventTimes.
 */
export interface QueueVisitPlan {
  queueId: string;
  waitS: number;
  outcome: 'ANSWERED' | 'ABANDON' | 'FLOW_OUT';
  /** Another agent is alerted first and does not answer. */
  missedBy?: { userId: string; alertS: number };
  userId: string;
  alertS: number;
  talkS: number;
  holds: Array<{ afterS: number; durationS: number }>;
  /** Detail-event spelling: CLIENT, PEER, TRANSFER, CONSULT_TRANSFER... A transfer continues with the next visit. */
  disconnectType: string;
  acw?: { durationS: number; wrapupCode: string; alsoWrapupEvent: boolean };
}

export interface ConversationPlan {
  options?: ConversationScriptOptions;
  ivrS?: number;
  visits: QueueVisitPlan[];
  attributes: Array<{ atS: number; key: string; value: string }>;
  /** `withAgent`: the customer hangs up when the last agent leg ends; `last`: after all after-call work. */
  customerEnds: 'never' | 'withAgent' | 'last';
}

const S = 1000;

export interface PlannedConversation {
  script: ConversationScript;
  events: FoldableEvent[];
  /** The metrics the plan implies, computed independently of the fold: a test oracle. */
  expected: InteractionMetrics;
}

export function eventsOfPlan(plan: ConversationPlan): PlannedConversation {
  const s = new ConversationScript(plan.options);
  const expected = emptyMetrics();
  let t = 0;
  let lastMs = 0;
  // Genesys offers a conversation to a user again only after that user's previous leg ended.
  const busyUntil = new Map<string, number>();
  const freeAt = (userId: string, ms: number) => Math.max(ms, (busyUntil.get(userId) ?? -Infinity) + S);
  s.customerStart(0);
  if (plan.ivrS !== undefined) {
    s.flowStart(0);
    t += plan.ivrS * S;
    s.flowEnd(t);
    expected.tIvr = plan.ivrS * S;
  }
  for (const [visit, v] of plan.visits.entries()) {
    const queuedAt = t;
    let missedUntil = queuedAt;
    s.acdStart(queuedAt, v.queueId, {}, visit);
    if (v.missedBy !== undefined) {
      const offeredAt = freeAt(v.missedBy.userId, queuedAt);
      missedUntil = offeredAt + v.missedBy.alertS * S;
      s.userStart(offeredAt, v.missedBy.userId, v.queueId, visit + 100);
      s.userEnd(missedUntil, v.missedBy.userId, { queueId: v.queueId, disconnectType: 'NO_ANSWER_TRANSFER', alertingDurationMs: v.missedBy.alertS * S }, visit + 100);
      busyUntil.set(v.missedBy.userId, missedUntil);
      expected.tAlert += v.missedBy.alertS * S;
    }
    t = Math.max(queuedAt + v.waitS * S, missedUntil, v.outcome === 'ANSWERED' ? freeAt(v.userId, queuedAt) : 0);
    expected.tAcd += t - queuedAt;
    if (v.outcome !== 'ANSWERED') {
      s.acdEnd(t, v.queueId, v.outcome, {}, visit);
      if (v.outcome === 'ABANDON') {
        expected.abandoned = true;
        break;
      }
      continue;
    }
    const alertAt = Math.max(queuedAt, t - v.alertS * S, freeAt(v.userId, queuedAt));
    s.userStart(alertAt, v.userId, v.queueId, visit);
    s.acdEnd(t, v.queueId, 'ANSWERED', { answeredUserId: v.userId }, visit);
    const connectedAt = t;
    let heldMs = 0;
    for (const h of v.holds) {
      const holdAt = t + h.afterS * S;
      const leg = { state: 'connected', queueId: v.queueId, connectedAt };
      s.agentSnapshot(holdAt, v.userId, { ...leg, held: true, startHoldAt: holdAt }, visit);
      t = holdAt + h.durationS * S;
      s.agentSnapshot(t, v.userId, { ...leg, held: false }, visit);
      heldMs += h.durationS * S;
    }
    t += v.talkS * S;
    const alertingDurationMs = connectedAt - alertAt;
    busyUntil.set(v.userId, t);
    s.userEnd(t, v.userId, {
      queueId: v.queueId, disconnectType: v.disconnectType, interactingDurationMs: t - connectedAt, heldDurationMs: heldMs, alertingDurationMs,
    }, visit);
    expected.tAlert += alertingDurationMs;
    expected.tHeld += heldMs;
    expected.tTalk += t - connectedAt - heldMs;
    if (/TRANSFER/.test(v.disconnectType)) expected.nTransferred += 1;
    if (v.acw !== undefined) {
      const acwEnd = t + v.acw.durationS * S;
      s.acw(acwEnd, v.userId, { queueId: v.queueId, wrapupCode: v.acw.wrapupCode, wrapupDurationMs: v.acw.durationS * S }, visit);
      if (v.acw.alsoWrapupEvent) s.wrapup(acwEnd, s.participantId(`agent:${v.userId}`, visit), { queueId: v.queueId, wrapupCode: v.acw.wrapupCode, wrapupDurationMs: v.acw.durationS * S });
      lastMs = Math.max(lastMs, acwEnd);
      expected.tAcw += v.acw.durationS * S;
    }
    if (!/TRANSFER/.test(v.disconnectType)) break;
  }
  for (const a of plan.attributes) s.attributes(a.atS * S, { [a.key]: a.value });
  if (plan.customerEnds !== 'never') s.customerEnd(plan.customerEnds === 'last' ? Math.max(t, lastMs) : t);
  expected.tHandle = expected.tTalk + expected.tHeld + expected.tAcw;
  return { script: s, events: s.events, expected };
}
