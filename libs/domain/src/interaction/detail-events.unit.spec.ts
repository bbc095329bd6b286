import { describe, expect, it } from 'vitest';
import { evolve } from './evolve';
import type { FoldableEvent } from './foldable-event';
import { initialInteractionState, type InteractionState } from './interaction-state';
import { ConversationScript } from './testing/conversation-script';

const Q1 = 'queue-1';
const Q2 = 'queue-2';
const A1 = 'agent-1';
const S = 1000;

/** Given the events, in order; each is applied twice to prove duplicates change nothing. */
function given(script: ConversationScript, events: FoldableEvent[]): InteractionState {
  return events.reduce((state, e) => {
    const once = evolve(state, e);
    expect(evolve(once, e)).toEqual(once);
    return once;
  }, initialInteractionState(script.conversationId));
}

const when = given;
const iso = (s: ConversationScript, offsetMs: number) => new Date(s.at(offsetMs)).toISOString();
const segmentsOf = (state: InteractionState, type: string) => state.participants.flatMap((p) => p.segments).filter((x) => x.segmentType === type);

describe('customer.start / customer.end', () => {
  it('customer.start sets the conversation fields in analytics casing and opens the customer leg', () => {
    const s = new ConversationScript({ externalContactIds: ['c-2'] });
    const state = when(s, [s.customerStart(0, { externalContactId: 'c-1' })]);
    expect(state).toMatchObject({
      mediaType: 'voice', direction: 'inbound', ani: 'tel:+13175550100', dnis: 'tel:+18005550199',
      externalContactIds: ['c-1', 'c-2'], startedAt: iso(s, 0), phase: null, endedAt: null,
    });
    expect(state.participants).toEqual([
      { participantId: s.participantId('customer'), purpose: 'customer', segments: [{ segmentType: 'interact', segmentStart: iso(s, 0), segmentEnd: null }] },
    ]);
  });

  it('customer.end with nothing else open ends the conversation', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.customerEnd(60 * S, { disconnectType: 'CLIENT' })]);
    expect(state).toMatchObject({ phase: 'ended', endedAt: iso(s, 60 * S), disconnectType: 'client' });
  });

  it('customer.end without a start places the leg from interactingDurationMs', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerEnd(60 * S, { interactingDurationMs: 45 * S })]);
    expect(segmentsOf(state, 'interact')).toEqual([
      { segmentType: 'interact', segmentStart: iso(s, 15 * S), segmentEnd: iso(s, 60 * S), disconnectType: 'peer' },
    ]);
    expect(state.phase).toBe('ended');
  });
});

describe('flow.start / flow.end / flow.outcome', () => {
  it('flow.start puts the conversation in ivr; flow.end measures tIvr', () => {
    const s = new ConversationScript();
    const started = given(s, [s.customerStart(0), s.flowStart(1 * S)]);
    expect(started.phase).toBe('ivr');
    const ended = evolve(started, s.flowEnd(13 * S));
    expect(ended.metrics.tIvr).toBe(12 * S);
    expect(segmentsOf(ended, 'ivr')).toEqual([{ segmentType: 'ivr', segmentStart: iso(s, 1 * S), segmentEnd: iso(s, 13 * S), flowId: 'main-ivr', disconnectType: 'transfer' }]);
  });

  it('a flow handing over to another flow in the same millisecond makes two IVR segments', () => {
    const s = new ConversationScript();
    const state = given(s, [s.customerStart(0), s.flowStart(0), s.flowStart(10 * S, { flowId: 'survey' }), s.flowEnd(10 * S)]);
    expect(state.phase).toBe('ivr');
    expect(segmentsOf(state, 'ivr').map((x) => [x.flowId, x.segmentEnd])).toEqual([['main-ivr', iso(s, 10 * S)], ['survey', null]]);
  });

  it('an in-queue flow is queue time, not IVR', () => {
    const s = new ConversationScript();
    const state = given(s, [s.customerStart(0), s.acdStart(0, Q1), s.flowStart(1 * S, { flowType: 'INQUEUECALL' })]);
    expect(state.phase).toBe('queued');
    expect(segmentsOf(state, 'ivr')).toEqual([]);
  });

  it('flow.end without a start uses connectedDurationMs', () => {
    const s = new ConversationScript();
    const state = when(s, [s.flowEnd(30 * S, { connectedDurationMs: 10 * S })]);
    expect(state.metrics.tIvr).toBe(10 * S);
  });

  it('flow.outcome only contributes conversation fields', () => {
    const s = new ConversationScript();
    const before = given(s, [s.customerStart(0), s.flowStart(0)]);
    const after = evolve(before, s.detail('flow.outcome', 5 * S, s.participantId('ivr'), { flowOutcomeId: 'o-1', flowOutcomeValue: 'SUCCESS' }));
    expect({ ...after, lastEventTime: null }).toEqual({ ...before, lastEventTime: null });
  });
});

describe('acd.start / acd.end', () => {
  it('acd.start queues the conversation in that queue', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.acdStart(5 * S, Q1)]);
    expect(state).toMatchObject({ phase: 'queued', queueIds: [Q1] });
  });

  it('acd.end ABANDON with the customer gone: ended, abandoned, tAcd measured', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.acdStart(5 * S, Q1), s.acdEnd(50 * S, Q1, 'ABANDON'), s.customerEnd(50 * S)]);
    expect(state).toMatchObject({ phase: 'ended', acdOutcome: 'ABANDON', metrics: { abandoned: true, tAcd: 45 * S } });
  });

  it('acd.end FLOW_OUT leaves the queue without an answer or an abandon', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.acdStart(5 * S, Q1), s.acdEnd(65 * S, Q1, 'FLOW_OUT')]);
    expect(state).toMatchObject({ acdOutcome: 'FLOW_OUT', metrics: { abandoned: false, tAcd: 60 * S } });
  });

  it('a transfer to a second queue opens a second wait', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.acdStart(0, Q1), s.acdEnd(10 * S, Q1, 'FLOW_OUT'), s.acdStart(10 * S, Q2)]);
    expect(state).toMatchObject({ phase: 'queued', queueIds: [Q1, Q2] });
  });
});

describe('user.start / user.end', () => {
  it('user.start marks the alert', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.acdStart(0, Q1), s.userStart(8 * S, A1, Q1)]);
    expect(state).toMatchObject({ phase: 'alerting', userIds: [A1] });
  });

  it('an agent-initiated outbound call (never queued) is connected from user.start', () => {
    const s = new ConversationScript({ direction: 'OUTBOUND' });
    const state = when(s, [s.userStart(0, A1, undefined)]);
    expect(state).toMatchObject({ phase: 'connected', direction: 'outbound' });
  });

  it('an alert not answered (NO_ANSWER_TRANSFER) goes back to waiting and is not a transfer', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.acdStart(0, Q1), s.userStart(8 * S, A1, Q1), s.userEnd(16 * S, A1, { disconnectType: 'NO_ANSWER_TRANSFER', alertingDurationMs: 8 * S })]);
    expect(state).toMatchObject({ phase: 'queued', metrics: { tAlert: 8 * S, nTransferred: 0 } });
    expect(segmentsOf(state, 'alert')[0]?.disconnectType).toBe('noAnswerTransfer');
  });

  it('user.end with interactingDurationMs and no acd.end seen: the agent did answer', () => {
    const s = new ConversationScript();
    const state = when(s, [s.userStart(0, A1, Q1), s.userEnd(100 * S, A1, { interactingDurationMs: 90 * S, heldDurationMs: 15 * S })]);
    expect(segmentsOf(state, 'interact')).toMatchObject([{ segmentStart: iso(s, 10 * S), segmentEnd: iso(s, 100 * S) }]);
    expect(state.metrics).toMatchObject({ tAlert: 10 * S, tTalk: 75 * S, tHeld: 15 * S, tHandle: 90 * S });
  });

  it('user.end CONSULT_TRANSFER counts a transfer as consultTransfer', () => {
    const s = new ConversationScript();
    const state = when(s, [s.userStart(0, A1, Q1), s.acdEnd(1 * S, Q1, 'ANSWERED', { answeredUserId: A1 }), s.userEnd(50 * S, A1, { disconnectType: 'CONSULT_TRANSFER' })]);
    expect(state).toMatchObject({ disconnectType: 'consultTransfer', metrics: { nTransferred: 1 } });
  });
});

describe('acw / wrapup', () => {
  it('acw records the wrap-up span and code, in the wrapup phase', () => {
    const s = new ConversationScript();
    const state = when(s, [s.customerStart(0), s.userStart(0, A1, Q1), s.acdEnd(1 * S, Q1, 'ANSWERED', { answeredUserId: A1 }), s.userEnd(60 * S, A1), s.acw(80 * S, A1, { wrapupCode: 'wc-1', wrapupDurationMs: 20 * S })]);
    expect(state).toMatchObject({ phase: 'wrapup', wrapupCodes: ['wc-1'], metrics: { tAcw: 20 * S } });
  });

  it('wrapup (no userId) merges with the same participant’s acw into one wrapup segment', () => {
    const s = new ConversationScript();
    const agent = s.participantId(`agent:${A1}`);
    const state = when(s, [s.acw(80 * S, A1, { wrapupDurationMs: 20 * S }), s.wrapup(80 * S, agent, { wrapupCode: 'wc-2', wrapupDurationMs: 20 * S })]);
    expect(segmentsOf(state, 'wrapup')).toEqual([
      { segmentType: 'wrapup', segmentStart: iso(s, 60 * S), segmentEnd: iso(s, 80 * S), userId: A1, wrapUpCode: 'wc-2' },
    ]);
  });
});

describe('attributes / contact / outbound / voicemail', () => {
  it('attributes merge into one map, later values winning per key', () => {
    const s = new ConversationScript();
    const state = when(s, [s.attributes(1 * S, { b: '1', a: 'x' }), s.attributes(2 * S, { b: '2' })]);
    expect(state.attributes).toEqual({ a: 'x', b: '2' });
    expect(Object.keys(state.attributes)).toEqual(['a', 'b']);
  });

  it('attributes come out in key order from a state read back in another order, the input state untouched', () => {
    const s = new ConversationScript();
    // jsonb orders keys by length first: the stored map comes back as {zz, aaa}.
    const stored: InteractionState = { ...initialInteractionState(s.conversationId), attributes: { zz: '1', aaa: '2' } };
    // Scalars other than strings arrive too (kept as text); anything else is skipped.
    const mixed = { zz: '3', n: 7, flag: true, skipped: { nested: 1 } } as unknown as Record<string, string>;
    const updated = evolve(stored, s.attributes(1 * S, mixed));
    expect(Object.entries(updated.attributes)).toEqual([['aaa', '2'], ['flag', 'true'], ['n', '7'], ['zz', '3']]);
    const sameKeys = evolve(stored, s.attributes(2 * S, { zz: '4' }));
    expect(Object.entries(sameKeys.attributes)).toEqual([['aaa', '2'], ['zz', '4']]);
    expect(stored.attributes).toEqual({ zz: '1', aaa: '2' });
  });

  it('contact adds external contact ids', () => {
    const s = new ConversationScript();
    const state = when(s, [s.detail('contact', 1 * S, s.participantId('customer'), { externalContactId: 'ext-9', conversationExternalContactIds: ['ext-8'] })]);
    expect(state.externalContactIds).toEqual(['ext-8', 'ext-9']);
  });

  it('outbound sets the conversation direction', () => {
    const s = new ConversationScript({ direction: 'OUTBOUND' });
    const state = when(s, [s.detail('outbound', 0, s.participantId('customer'), { outboundCampaignId: 'camp-1' })]);
    expect(state.direction).toBe('outbound');
  });

  it('voicemail records the participant without changing the phase', () => {
    const s = new ConversationScript();
    const before = given(s, [s.customerStart(0), s.acdStart(0, Q1)]);
    const after = when(s, [s.customerStart(0), s.acdStart(0, Q1), s.detail('voicemail.start', 30 * S, s.participantId('voicemail'), { queueId: Q1 })]);
    expect(after.phase).toBe(before.phase);
    expect(after.participants.find((p) => p.purpose === 'voicemail')).toMatchObject({ queueId: Q1, segments: [] });
  });
});
