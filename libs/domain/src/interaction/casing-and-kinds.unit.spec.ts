import { describe, expect, it } from 'vitest';
import { isTransferDisconnect, normaliseDirection, normaliseDisconnectType, normaliseMediaType } from './casing';
import { DETAIL_EVENT_KINDS, parseEventKind } from './event-kind';
import { evolve } from './evolve';
import { compareFoldOrder, foldSortKey } from './fold-order';
import { initialInteractionState } from './interaction-state';
import { ConversationScript, foldableEvent } from './testing/conversation-script';

describe('casing normalisation (genesys README §3)', () => {
  it.each([
    ['CONSULT_TRANSFER', 'consultTransfer'], ['transfer.consult', 'consultTransfer'], ['consultTransfer', 'consultTransfer'],
    ['CLIENT', 'client'], ['client', 'client'], ['transfer.noanswer', 'noAnswerTransfer'], ['NO_ANSWER_TRANSFER', 'noAnswerTransfer'],
    ['endpoint.dnd', 'dndEndpoint'], ['DND_ENDPOINT', 'dndEndpoint'], ['transport.failure', 'transportFailure'],
    ['session.expired', 'sessionExpired'], ['SESSION_EXPIRED', 'sessionExpired'], ['QUANTUM_TUNNEL', 'quantumTunnel'],
    ['warp.drive', 'warpDrive'], ['UNKNOWN', undefined], [undefined, undefined],
  ])('disconnect type %s → %s', (raw, expected) => {
    expect(normaliseDisconnectType(raw)).toBe(expected);
  });

  it('media type and direction become lowercase; UNKNOWN reads as missing', () => {
    expect([normaliseMediaType('VOICE'), normaliseMediaType('INTERNALMESSAGE'), normaliseMediaType('UNKNOWN')]).toEqual(['voice', 'internalmessage', undefined]);
    expect([normaliseDirection('INBOUND'), normaliseDirection('outbound'), normaliseDirection('UNKNOWN')]).toEqual(['inbound', 'outbound', undefined]);
  });

  it('transfers are `transfer` and every *Transfer', () => {
    expect(['transfer', 'consultTransfer', 'dndTransfer', 'client', 'peer', undefined].map(isTransferDisconnect)).toEqual([true, true, true, false, false, false]);
  });
});

describe('parseEventKind', () => {
  it.each(DETAIL_EVENT_KINDS.map((k) => [k]))('classifies the detail kind %s', (kind) => {
    expect(parseEventKind(`v2.detail.events.conversation.{id}.${kind}`)).toEqual({ kind });
  });

  it.each([
    ['v2.users.{id}.conversations', { kind: 'snapshot', scope: 'user', mediaType: null }],
    ['v2.users.{id}.conversations.chats', { kind: 'snapshot', scope: 'user', mediaType: 'chat' }],
    ['v2.routing.queues.{id}.conversations.calls', { kind: 'snapshot', scope: 'queue', mediaType: 'voice' }],
    ['v2.routing.queues.{id}.conversations.cobrowseSessions', { kind: 'snapshot', scope: 'queue', mediaType: 'cobrowse' }],
    ['v2.conversations.{id}', { kind: 'snapshot', scope: 'conversation', mediaType: null }],
    ['v2.conversations.emails.{id}', { kind: 'snapshot', scope: 'conversation', mediaType: 'email' }],
    ['v2.users.{id}.conversations.summaries', { kind: 'ignored' }],
    ['v2.users.{id}.conversations.inbound.typing.event', { kind: 'ignored' }],
    ['v2.conversations.{id}.transcription', { kind: 'ignored' }],
    ['v2.conversations.chats.{id}.messages', { kind: 'ignored' }],
    ['v2.detail.events.conversation.{id}.brand.new', { kind: 'ignored' }],
    ['v2.users.{id}.presence', { kind: 'ignored' }],
    ['channel.metadata', { kind: 'ignored' }],
  ])('%s', (eventType, expected) => {
    expect(parseEventKind(eventType)).toEqual(expected);
  });
});

describe('unknown input', () => {
  it('an unknown topic returns the state unchanged (the same object)', () => {
    const s = new ConversationScript();
    const state = evolve(initialInteractionState(s.conversationId), s.customerStart(0));
    expect(evolve(state, foldableEvent('v2.users.{id}.presence', { presenceDefinition: { systemPresence: 'Available' } }, s.at(5)))).toBe(state);
  });

  it('unknown enum values are accepted and kept in analytics casing', () => {
    const s = new ConversationScript({ mediaType: 'HOLOGRAM', direction: 'SIDEWAYS' });
    const state = [
      s.customerStart(0),
      s.acdStart(1000, 'q'),
      s.acdEnd(2000, 'q', 'DEFLECTED'),
      s.customerEnd(3000, { disconnectType: 'QUANTUM_TUNNEL', brandNewField: { nested: true } }),
    ].reduce(evolve, initialInteractionState(s.conversationId));
    expect(state).toMatchObject({ mediaType: 'hologram', direction: 'sideways', acdOutcome: 'DEFLECTED', disconnectType: 'quantumTunnel', phase: 'ended' });
    expect(state.metrics.abandoned).toBe(false);
  });

  it('missing fields and wrong types never throw', () => {
    const initial = initialInteractionState('c');
    const bodies = [{}, { eventTime: 'soon', participantId: 42, queueId: null, acdOutcome: 7 }, { participants: 'none' }];
    for (const kind of [...DETAIL_EVENT_KINDS.map((k) => `v2.detail.events.conversation.{id}.${k}`), 'v2.users.{id}.conversations']) {
      for (const data of bodies) expect(() => evolve(initial, { eventId: 'e', eventType: kind, data, eventTime: null })).not.toThrow();
    }
  });
});

describe('fold order', () => {
  const s = new ConversationScript();
  it('sorts by eventTime, then kind rank (causal order), then event id; no time sorts first', () => {
    const end = s.customerEnd(5000);
    const acw = s.acw(5000, 'u');
    const start = s.customerStart(5000);
    const timeless = { ...s.attributes(0, { a: '1' }), eventTime: null };
    expect([end, acw, start, timeless].sort(compareFoldOrder)).toEqual([timeless, start, acw, end]);
  });

  it('foldSortKey sorts exactly as compareFoldOrder', () => {
    const events = [s.customerEnd(5000), s.acw(5000, 'u'), s.customerStart(5000), s.flowStart(1), { ...s.flowEnd(2), eventTime: null }];
    const byKey = [...events].sort((a, b) => (foldSortKey(a) < foldSortKey(b) ? -1 : 1));
    expect(byKey).toEqual([...events].sort(compareFoldOrder));
  });
});
