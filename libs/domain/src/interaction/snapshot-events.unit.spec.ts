import { describe, expect, it } from 'vitest';
import restConversation from '../../../../test/fixtures/genesys/01_GET_conversations_id_voice.json';
import { evolve, foldInteraction } from './evolve';
import { initialInteractionState } from './interaction-state';
import { ConversationScript, foldableEvent } from './testing/conversation-script';

const A1 = 'agent-1';
const Q1 = 'queue-1';
const S = 1000;

describe('a whole-conversation body (REST GET /conversations/{id}, voice sample)', () => {
  const body = restConversation as Record<string, unknown>;
  const event = foldableEvent('v2.conversations.{id}', body, Date.parse('2025-04-10T13:32:40.944Z'));
  const state = evolve(initialInteractionState('bac4b442-9875-4a24-a9a0-336abb0af0d0'), event);
  const agentId = 'bf8f5ba6-a928-4d3c-be86-4e760b9974d9';
  const queueId = '155200d1-258d-4a64-a7e7-2ae576232893';

  it('derives phase, times and conversation fields from the participants and their legs', () => {
    expect(state).toMatchObject({
      phase: 'ended',
      mediaType: 'voice',
      direction: 'inbound',
      startedAt: '2025-04-10T13:31:49.570Z',
      endedAt: '2025-04-10T13:32:40.944Z',
      queueIds: [queueId],
      userIds: [agentId],
      externalContactIds: ['0778af41-946e-40f2-b374-dbfa32411b5f'],
      acdOutcome: 'ANSWERED',
      disconnectType: 'peer',
      wrapupCodes: [],
    });
    expect(state.attributes['ic-customerdata']).toBe('123412341234');
    expect(state.attributes.CID).toBe('bac4b442-9875-4a24-a9a0-336abb0af0d0');
  });

  it('turns the legs into analytics segments (a skipped ACW is no wrapup)', () => {
    const segments = Object.fromEntries(state.participants.map((p) => [p.purpose, p.segments]));
    expect(segments.ivr).toEqual([
      { segmentType: 'ivr', segmentStart: '2025-04-10T13:31:49.683Z', segmentEnd: '2025-04-10T13:31:57.787Z', disconnectType: 'transfer' },
    ]);
    expect(segments.acd).toEqual([
      {
        segmentType: 'queue', segmentStart: '2025-04-10T13:31:57.837Z', segmentEnd: '2025-04-10T13:32:02.487Z', queueId,
        acdOutcome: 'ANSWERED', answeredUserId: agentId,
      },
    ]);
    expect(segments.agent).toEqual([
      { segmentType: 'alert', segmentStart: '2025-04-10T13:31:58.072Z', segmentEnd: '2025-04-10T13:32:02.464Z', userId: agentId, queueId },
      {
        segmentType: 'interact', segmentStart: '2025-04-10T13:32:02.464Z', segmentEnd: '2025-04-10T13:32:40.942Z', userId: agentId, queueId,
        disconnectType: 'client',
      },
    ]);
    expect(state.metrics).toMatchObject({ tAlert: 4392, tTalk: 38478, tAcw: 0, nTransferred: 0 });
  });

  it('is idempotent and order-free with itself', () => {
    expect(evolve(state, event)).toEqual(state);
    expect(foldInteraction(state.conversationId, [event, event])).toEqual(state);
  });
});

describe('user-topic snapshots', () => {
  it('held: true opens a hold from startHoldTime, held: false resumes at the snapshot time', () => {
    const s = new ConversationScript();
    const leg = { state: 'connected', queueId: Q1, connectedAt: 10 * S };
    const held = foldInteraction(s.conversationId, [s.customerStart(0), s.agentSnapshot(40 * S, A1, { ...leg, held: true, startHoldAt: 30 * S })]);
    expect(held.phase).toBe('held');
    const resumed = evolve(held, s.agentSnapshot(50 * S, A1, { ...leg, held: false }));
    expect(resumed.phase).toBe('connected');
    expect(resumed.participants.find((p) => p.userId === A1)?.segments.map((x) => x.segmentType)).toEqual(['interact', 'hold', 'interact']);
  });

  it('pending after-call work is the wrapup phase; the acw event closes it with its code', () => {
    const s = new ConversationScript();
    const pending = foldInteraction(s.conversationId, [
      s.customerStart(0),
      s.userStart(0, A1, Q1),
      s.acdEnd(5 * S, Q1, 'ANSWERED', { answeredUserId: A1 }),
      s.agentSnapshot(60 * S, A1, { state: 'disconnected', queueId: Q1, connectedAt: 5 * S, disconnectedAt: 60 * S, disconnectType: 'transfer.consult', afterCallWork: { state: 'pending', startAt: 60 * S } }),
    ]);
    expect(pending).toMatchObject({ phase: 'wrapup', disconnectType: 'consultTransfer', metrics: { nTransferred: 1 } });
    const done = evolve(pending, s.acw(75 * S, A1, { wrapupCode: 'wc-7', wrapupDurationMs: 15 * S }));
    expect(done).toMatchObject({ wrapupCodes: ['wc-7'], metrics: { tAcw: 15 * S } });
  });

  it('reads wrapup.code (notification spelling) as wrapUpCode', () => {
    const s = new ConversationScript();
    const state = foldInteraction(s.conversationId, [
      s.agentSnapshot(90 * S, A1, { state: 'disconnected', connectedAt: 5 * S, disconnectedAt: 60 * S, afterCallWork: { state: 'complete', startAt: 60 * S, endAt: 90 * S }, wrapupCode: 'wc-3' }),
    ]);
    expect(state).toMatchObject({ wrapupCodes: ['wc-3'], metrics: { tAcw: 30 * S } });
  });
});

describe('detail events and snapshots describing the same facts', () => {
  const queueSnapshot = (s: ConversationScript, acdParticipantId: string, fromS: number, toS: number | undefined) =>
    foldableEvent('v2.routing.queues.{id}.conversations', {
      id: s.conversationId,
      participants: [{
        id: acdParticipantId, purpose: 'acd', queueId: Q1,
        calls: [{ id: 'leg', state: toS === undefined ? 'connected' : 'terminated', connectedTime: new Date(s.at(fromS * S)).toISOString(),
          ...(toS === undefined ? {} : { disconnectedTime: new Date(s.at(toS * S)).toISOString(), disconnectType: 'transfer' }) }],
      }],
    }, s.at((toS ?? fromS) * S));

  it('count one queue wait once, even under another participant id and slightly different times', () => {
    const s = new ConversationScript();
    const state = foldInteraction(s.conversationId, [
      s.customerStart(0),
      s.acdStart(10 * S, Q1),
      queueSnapshot(s, 'snapshot-acd', 10.2, undefined),
      s.acdEnd(40 * S, Q1, 'ABANDON'),
      queueSnapshot(s, 'snapshot-acd', 10.2, 40.1),
    ]);
    expect(state.participants.flatMap((p) => p.segments).filter((x) => x.segmentType === 'queue')).toEqual([
      { segmentType: 'queue', segmentStart: new Date(s.at(10 * S)).toISOString(), segmentEnd: new Date(s.at(40 * S)).toISOString(), queueId: Q1, acdOutcome: 'ABANDON' },
    ]);
  });

  it('an acd.end after a snapshot already closed that visit never closes the next visit’s wait', () => {
    const s = new ConversationScript();
    const state = foldInteraction(s.conversationId, [
      s.acdStart(0, Q1, {}, 0),
      queueSnapshot(s, s.participantId('acd', 0), 0, 9),
      s.acdStart(9.5 * S, Q1, {}, 1),
      s.acdEnd(10 * S, Q1, 'FLOW_OUT', {}, 0),
    ]);
    expect(state.phase).toBe('queued');
    expect(state.participants.flatMap((p) => p.segments).map((x) => [x.segmentEnd, x.acdOutcome])).toEqual([
      [new Date(s.at(9 * S)).toISOString(), 'FLOW_OUT'],
      [null, undefined],
    ]);
  });
});

describe('queue-topic snapshots with flattened per-media participants', () => {
  it('v2.routing.queues.{id}.conversations.calls: an acd leg waiting and an agent alerting', () => {
    const body = {
      id: 'conv-q',
      participants: [
        { id: 'p-cust', purpose: 'customer', state: 'connected', direction: 'inbound', connectedTime: '2025-04-10T10:00:00.000Z', ani: 'tel:+15550001' },
        { id: 'p-acd', purpose: 'acd', state: 'connected', connectedTime: '2025-04-10T10:00:10.000Z', queue: { id: Q1 } },
        { id: 'p-agent', purpose: 'agent', state: 'alerting', user: { id: A1 }, queue: { id: Q1 } },
      ],
    };
    const event = foldableEvent('v2.routing.queues.{id}.conversations.calls', body, Date.parse('2025-04-10T10:00:20.000Z'));
    const state = evolve(initialInteractionState('conv-q'), event);
    expect(state).toMatchObject({ phase: 'alerting', mediaType: 'voice', direction: 'inbound', ani: 'tel:+15550001', queueIds: [Q1], userIds: [A1] });
  });

  it('a body about another conversation is ignored', () => {
    const initial = initialInteractionState('conv-a');
    const event = foldableEvent('v2.users.{id}.conversations', { id: 'conv-b', participants: [{ id: 'x', purpose: 'customer' }] }, 0);
    expect(evolve(initial, event)).toBe(initial);
  });
});
