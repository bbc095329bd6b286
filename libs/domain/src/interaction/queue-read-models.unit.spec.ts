import { describe, expect, it } from 'vitest';
import { foldInteraction } from './evolve';
import type { FoldableEvent } from './foldable-event';
import { queueContributions } from './queue-contributions';
import { queueSnapshotRole, summariseQueueSnapshot } from './queue-snapshot';
import { ConversationScript } from './testing/conversation-script';

const Q = 'queue-1';
const A = 'agent-1';
const S = 1000;
const zero = {
  nOffered: 0, nAnswered: 0, nAbandoned: 0, nFlowOut: 0, tAcdSum: 0, tAcdMax: 0, tAnsweredSum: 0,
  tTalkSum: 0, tHeldSum: 0, tAcwSum: 0, tHandleSum: 0, nAnsweredWithinSl: 0,
};

/** Starts 10:14:00Z: queued 10:14:20, answered 10:14:40, agent leaves 10:17:20 (next interval), ACW to 10:17:50. */
function answeredCall() {
  const s = new ConversationScript();
  s.customerStart(0);
  s.flowStart(0);
  s.flowEnd(20 * S);
  s.acdStart(20 * S, Q);
  s.userStart(35 * S, A, Q);
  s.acdEnd(40 * S, Q, 'ANSWERED', { answeredUserId: A });
  s.agentSnapshot(100 * S, A, { state: 'connected', queueId: Q, connectedAt: 40 * S, held: true, startHoldAt: 100 * S });
  s.agentSnapshot(130 * S, A, { state: 'connected', queueId: Q, connectedAt: 40 * S, held: false });
  s.userEnd(200 * S, A, { queueId: Q, interactingDurationMs: 160 * S, heldDurationMs: 30 * S, alertingDurationMs: 5 * S });
  s.customerEnd(200 * S);
  s.acw(230 * S, A, { queueId: Q, wrapupCode: 'wc', wrapupDurationMs: 30 * S });
  return s;
}

const upTo = (events: FoldableEvent[], atIso: string) => events.filter((e) => e.eventTime !== null && e.eventTime <= atIso);

describe('queueContributions', () => {
  it('puts each metric in the 15-minute interval where it is emitted', () => {
    const s = answeredCall();
    const state = foldInteraction(s.conversationId, s.events);
    expect(queueContributions(state, { serviceLevelMs: 20 * S })).toEqual([
      { ...zero, queueId: Q, intervalStart: '2025-04-10T10:00:00.000Z', nOffered: 1, nAnswered: 1, tAcdSum: 20 * S, tAcdMax: 20 * S, tAnsweredSum: 20 * S, nAnsweredWithinSl: 1 },
      { ...zero, queueId: Q, intervalStart: '2025-04-10T10:15:00.000Z', tTalkSum: 130 * S, tHeldSum: 30 * S, tAcwSum: 30 * S, tHandleSum: 190 * S },
    ]);
  });

  it('counts an answer slower than the threshold as outside the service level', () => {
    const s = answeredCall();
    const [first] = queueContributions(foldInteraction(s.conversationId, s.events), { serviceLevelMs: 19_999 });
    expect(first).toMatchObject({ nAnswered: 1, nAnsweredWithinSl: 0 });
  });

  it('while still waiting, contributes only the offer', () => {
    const s = answeredCall();
    const state = foldInteraction(s.conversationId, upTo(s.events, '2025-04-10T10:14:30.000Z'));
    expect(queueContributions(state, { serviceLevelMs: 20 * S })).toEqual([
      { ...zero, queueId: Q, intervalStart: '2025-04-10T10:00:00.000Z', nOffered: 1 },
    ]);
  });

  it('counts flow-outs and abandons per queue, offered where the wait began and ended where it ended', () => {
    const s = new ConversationScript();
    s.customerStart(0);
    s.acdStart(0, 'qa');
    s.acdEnd(30 * S, 'qa', 'FLOW_OUT');
    s.acdStart(30 * S, 'qb');
    s.acdEnd(90 * S, 'qb', 'ABANDON');
    s.customerEnd(90 * S);
    const rows = queueContributions(foldInteraction(s.conversationId, s.events), { serviceLevelMs: 20 * S });
    expect(rows).toEqual([
      { ...zero, queueId: 'qa', intervalStart: '2025-04-10T10:00:00.000Z', nOffered: 1, nFlowOut: 1, tAcdSum: 30 * S, tAcdMax: 30 * S },
      { ...zero, queueId: 'qb', intervalStart: '2025-04-10T10:00:00.000Z', nOffered: 1 },
      { ...zero, queueId: 'qb', intervalStart: '2025-04-10T10:15:00.000Z', nAbandoned: 1, tAcdSum: 60 * S, tAcdMax: 60 * S },
    ]);
  });
});

describe('queueSnapshotRole', () => {
  const s = answeredCall();
  const at = (offsetS: number) => new Date(s.at(offsetS * S)).toISOString();
  const roleAt = (offsetS: number) => queueSnapshotRole(foldInteraction(s.conversationId, upTo(s.events, at(offsetS))), at(offsetS));

  it('waiting in the queue since the acd start', () => {
    expect(roleAt(30)).toEqual([{ queueId: Q, role: 'waiting', since: at(20) }]);
  });

  it('alerting (not also waiting) while offered to an agent', () => {
    expect(roleAt(37)).toEqual([{ queueId: Q, role: 'alerting', since: at(35), userId: A }]);
  });

  it('connected, also while held, since the answer', () => {
    expect(roleAt(60)).toEqual([{ queueId: Q, role: 'connected', since: at(40), userId: A }]);
    expect(roleAt(110)).toEqual([{ queueId: Q, role: 'connected', since: at(40), userId: A }]);
  });

  it('wrapup is known once the after-call work is (the acw event, or a snapshot while pending)', () => {
    const full = foldInteraction(s.conversationId, s.events);
    expect(queueSnapshotRole(full, at(210))).toEqual([{ queueId: Q, role: 'wrapup', since: at(200), userId: A }]);
    expect(roleAt(210)).toEqual([]);
  });

  it('nothing once ended; before the queue, nothing either', () => {
    expect(roleAt(240)).toEqual([]);
    expect(roleAt(10)).toEqual([]);
  });

  it('summarises counts and the longest wait for a queue', () => {
    const roles = [...roleAt(30), { queueId: Q, role: 'waiting' as const, since: at(5) }, ...roleAt(60)];
    expect(summariseQueueSnapshot(roles, Q, at(30))).toEqual({ waiting: 2, alerting: 0, connected: 1, wrapup: 0, longestWaitMs: 25 * S });
  });
});

describe('foldInteraction de-duplication', () => {
  it('keeps the earliest copy when two copies of one event id disagree, whatever the delivery order', () => {
    const s = answeredCall();
    const [first, ...rest] = s.events;
    if (first === undefined) throw new Error('script is empty');
    const later = { ...first, eventTime: at5(s) };
    expect(foldInteraction(s.conversationId, [later, ...rest, first])).toEqual(foldInteraction(s.conversationId, [first, ...rest, later]));
  });
});

function at5(s: ConversationScript): string {
  return new Date(s.at(5 * S)).toISOString();
}
