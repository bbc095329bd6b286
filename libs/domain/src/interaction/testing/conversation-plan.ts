import type { FoldableEvent } from '../foldable-event';
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

export function eventsOfPlan(plan: ConversationPlan): { script: ConversationScript; events: FoldableEvent[] } {
  const s = new ConversationScript(plan.options);
  let t = 0;
  let lastMs = 0;
  s.customerStart(0);
  if (plan.ivrS !== undefined) {
    s.flowStart(0);
    t += plan.ivrS * S;
    s.flowEnd(t);
  }
  for (const [visit, v] of plan.visits.entries()) {
    const queuedAt = t;
    let missedUntil = queuedAt;
    s.acdStart(queuedAt, v.queueId);
    if (v.missedBy !== undefined) {
      s.userStart(queuedAt, v.missedBy.userId, v.queueId, visit + 100);
      s.userEnd(queuedAt + v.missedBy.alertS * S, v.missedBy.userId, { queueId: v.queueId, disconnectType: 'NO_ANSWER_TRANSFER', alertingDurationMs: v.missedBy.alertS * S }, visit + 100);
      missedUntil = queuedAt + v.missedBy.alertS * S;
    }
    t = Math.max(queuedAt + v.waitS * S, missedUntil);
    if (v.outcome !== 'ANSWERED') {
      s.acdEnd(t, v.queueId, v.outcome);
      if (v.outcome === 'ABANDON') break;
      continue;
    }
    s.userStart(Math.max(queuedAt, t - v.alertS * S), v.userId, v.queueId, visit);
    s.acdEnd(t, v.queueId, 'ANSWERED', { answeredUserId: v.userId });
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
    s.userEnd(t, v.userId, {
      queueId: v.queueId, disconnectType: v.disconnectType, interactingDurationMs: t - connectedAt, heldDurationMs: heldMs,
      alertingDurationMs: Math.min(v.alertS * S, connectedAt - queuedAt),
    }, visit);
    if (v.acw !== undefined) {
      const acwEnd = t + v.acw.durationS * S;
      s.acw(acwEnd, v.userId, { queueId: v.queueId, wrapupCode: v.acw.wrapupCode, wrapupDurationMs: v.acw.durationS * S }, visit);
      if (v.acw.alsoWrapupEvent) s.wrapup(acwEnd, s.participantId(`agent:${v.userId}`, visit), { queueId: v.queueId, wrapupCode: v.acw.wrapupCode, wrapupDurationMs: v.acw.durationS * S });
      lastMs = Math.max(lastMs, acwEnd);
    }
    if (!/TRANSFER/.test(v.disconnectType)) break;
  }
  for (const a of plan.attributes) s.attributes(a.atS * S, { [a.key]: a.value });
  if (plan.customerEnds !== 'never') s.customerEnd(plan.customerEnds === 'last' ? Math.max(t, lastMs) : t);
  return { script: s, events: s.events };
}
