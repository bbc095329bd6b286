import { isoMs, toIso } from './body-fields';
import { agentHandling } from './derive';
import type { InteractionParticipant, InteractionState } from './interaction-state';
import { endMs, startMs } from './segments';

/** What one interaction adds to one queue's 15-minute interval (`queue_intervals`). */
export interface QueueContribution {
  queueId: string;
  /** Interval start, ISO, aligned on 15 minutes UTC. */
  intervalStart: string;
  nOffered: number;
  nAnswered: number;
  nAbandoned: number;
  nFlowOut: number;
  tAcdSum: number;
  tAcdMax: number;
  tAnsweredSum: number;
  tTalkSum: number;
  tHeldSum: number;
  tAcwSum: number;
  tHandleSum: number;
  nAnsweredWithinSl: number;
}

export interface QueueContributionOptions {
  /** Answered within this wait (ms, inclusive) counts toward the service level. */
  serviceLevelMs: number;
}

const INTERVAL_MS = 15 * 60 * 1000;

export function intervalStartOf(ms: number): string {
  return toIso(Math.floor(ms / INTERVAL_MS) * INTERVAL_MS);
}

type Counter = Exclude<keyof QueueContribution, 'queueId' | 'intervalStart' | 'tAcdMax'>;

/**
 * Like Genesys aggregates, each metric lands in the interval where it is emitted: nOffered when the queue wait
 * starts; the outcome and tAcd when it ends; talk and hold when the agent leg ends; ACW when it completes;
 * tHandle with the last of them. A function of the state only, so a projector can subtract the contributions of
 * the previous state and add those of the new one. Open segments contribute only nOffered.
 */
export function queueContributions(state: InteractionState, options: QueueContributionOptions): QueueContribution[] {
  const rows = new Map<string, QueueContribution>();
  const row = (queueId: string, ms: number): QueueContribution => {
    const intervalStart = intervalStartOf(ms);
    const key = `${queueId}|${intervalStart}`;
    let found = rows.get(key);
    if (found === undefined) {
      found = { queueId, intervalStart, ...zeroCounters(), tAcdMax: 0 };
      rows.set(key, found);
    }
    return found;
  };
  const add = (queueId: string, ms: number, counter: Counter, value: number) => {
    if (value !== 0) row(queueId, ms)[counter] += value;
  };

  for (const s of state.participants.flatMap((p) => p.segments)) {
    if (s.segmentType !== 'queue' || s.queueId === undefined) continue;
    add(s.queueId, startMs(s), 'nOffered', 1);
    const end = endMs(s);
    if (end === null) continue;
    const tAcd = end - startMs(s);
    const r = row(s.queueId, end);
    r.tAcdSum += tAcd;
    r.tAcdMax = Math.max(r.tAcdMax, tAcd);
    if (s.acdOutcome === 'ANSWERED') {
      r.nAnswered += 1;
      r.tAnsweredSum += tAcd;
      if (tAcd <= options.serviceLevelMs) r.nAnsweredWithinSl += 1;
    } else if (s.acdOutcome === 'ABANDON') r.nAbandoned += 1;
    else if (s.acdOutcome === 'FLOW_OUT') r.nFlowOut += 1;
  }

  for (const p of state.participants) {
    const queueId = handlingQueue(state, p);
    if (queueId === undefined) continue;
    const h = agentHandling(p);
    if (h.talkEndMs !== null) {
      add(queueId, h.talkEndMs, 'tTalkSum', h.tTalk);
      add(queueId, h.talkEndMs, 'tHeldSum', h.tHeld);
    }
    if (h.acwEndMs !== null) add(queueId, h.acwEndMs, 'tAcwSum', h.tAcw);
    const handleAt = Math.max(h.talkEndMs ?? -Infinity, h.acwEndMs ?? -Infinity);
    if (Number.isFinite(handleAt)) add(queueId, handleAt, 'tHandleSum', (h.talkEndMs === null ? 0 : h.tTalk + h.tHeld) + (h.acwEndMs === null ? 0 : h.tAcw));
  }

  return [...rows.values()]
    .filter((r) => Object.entries(r).some(([key, value]) => key !== 'queueId' && key !== 'intervalStart' && value !== 0))
    .sort((a, b) => (a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : isoMs(a.intervalStart) - isoMs(b.intervalStart)));
}

function zeroCounters(): Record<Counter, number> {
  return {
    nOffered: 0, nAnswered: 0, nAbandoned: 0, nFlowOut: 0, tAcdSum: 0, tAnsweredSum: 0,
    tTalkSum: 0, tHeldSum: 0, tAcwSum: 0, tHandleSum: 0, nAnsweredWithinSl: 0,
  };
}

/** An agent leg's work counts for the queue it came through: its own queueId, else the queue it answered. */
function handlingQueue(state: InteractionState, p: InteractionParticipant): string | undefined {
  if (p.userId === undefined) return undefined;
  const own = p.queueId ?? p.segments.find((s) => s.queueId !== undefined)?.queueId;
  if (own !== undefined) return own;
  return state.participants
    .flatMap((x) => x.segments)
    .find((s) => s.segmentType === 'queue' && s.answeredUserId === p.userId)?.queueId;
}
