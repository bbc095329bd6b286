import { describe, expect, it } from 'vitest';
import { evolve, evolveAll, evolveWith, foldInteraction } from './evolve';
import type { FoldExtension } from './fold-extension';
import { initialInteractionState, type InteractionState } from './interaction-state';
import { ConversationScript, foldableEvent } from './testing/conversation-script';

/** A field Genesys added to customer.end: the value of the latest event carrying it (the fold applies in time order). */
const sentimentScore: FoldExtension<number> = {
  name: 'sentimentScore',
  evolve: (current, event) => (typeof event.data.sentimentScore === 'number' ? event.data.sentimentScore : current),
};

/** Keeps a label until an event clears it with null: exercises removing a slot. */
const label: FoldExtension<string> = {
  name: 'label',
  evolve: (current, event) => {
    const value = event.data.label;
    return value === null ? undefined : typeof value === 'string' ? value : current;
  },
};

const withoutExtensions = ({ extensions: _omitted, ...rest }: InteractionState): InteractionState => rest;

describe('fold extensions', () => {
  const s = new ConversationScript();
  const start = s.customerStart(0);
  const queued = s.acdStart(1000, 'q-sales');
  const answered = s.acdEnd(5000, 'q-sales', 'ANSWERED');
  const end = s.customerEnd(60_000, { sentimentScore: 0.7 });

  it('put the new field in state.extensions under the extension name, leaving the built-in facts as they were', () => {
    const plain = foldInteraction(s.conversationId, [start, queued, answered, end]);
    const extended = foldInteraction(s.conversationId, [start, queued, answered, end], [sentimentScore]);
    expect(extended.extensions).toEqual({ sentimentScore: 0.7 });
    expect(withoutExtensions(extended)).toEqual(plain);
    expect(plain).not.toHaveProperty('extensions');
  });

  it('leave extensions absent (not empty) when no event carries the field', () => {
    const state = foldInteraction(s.conversationId, [start, queued, answered], [sentimentScore, label]);
    expect(state).not.toHaveProperty('extensions');
    expect(state).toEqual(foldInteraction(s.conversationId, [start, queued, answered]));
  });

  it('take the value of the latest event by eventTime, whatever the delivery order', () => {
    const early = s.attributes(2000, { survey: 'sent' });
    const earlyScored = { ...early, data: { ...early.data, sentimentScore: 0.1 } };
    const inTimeOrder = foldInteraction(s.conversationId, [start, earlyScored, end], [sentimentScore]);
    const reversed = foldInteraction(s.conversationId, [end, earlyScored, start, end], [sentimentScore]);
    expect(inTimeOrder.extensions).toEqual({ sentimentScore: 0.7 });
    expect(reversed).toEqual(inTimeOrder);
  });

  it('drop a slot the extension clears, and the map with its last slot', () => {
    const tagged = s.customerStart(0, { label: 'vip' });
    const cleared = s.attributes(3000, { any: 'thing' });
    const clearing = { ...cleared, data: { ...cleared.data, label: null } };
    expect(foldInteraction(s.conversationId, [tagged], [label]).extensions).toEqual({ label: 'vip' });
    expect(foldInteraction(s.conversationId, [tagged, clearing], [label])).not.toHaveProperty('extensions');
    expect(foldInteraction(s.conversationId, [tagged, clearing, end], [label, sentimentScore]).extensions).toEqual({ sentimentScore: 0.7 });
  });

  it('see only the events the fold applies: not unknown topics, not another conversation', () => {
    const presence = foldableEvent('v2.users.{id}.presence', { sentimentScore: 0.9 }, s.at(70_000));
    const misrouted = { ...end, eventId: 'other', data: { ...end.data, conversationId: 'someone-else', sentimentScore: 0.2 } };
    const state = foldInteraction(s.conversationId, [start, end, presence, misrouted], [sentimentScore]);
    expect(state.extensions).toEqual({ sentimentScore: 0.7 });
  });

  it('evolveWith keeps the (state, event) shape, never changes its input, and is evolve itself without extensions', () => {
    const before = foldInteraction(s.conversationId, [start, s.attributes(100, { a: '1' })], [label]);
    const tagged = { ...before, extensions: { label: 'vip' } };
    const snapshot = JSON.stringify(tagged);
    const after = [queued, end].reduce(evolveWith([label, sentimentScore]), tagged);
    expect(JSON.stringify(tagged)).toBe(snapshot);
    expect(after.extensions).toEqual({ label: 'vip', sentimentScore: 0.7 });
    expect(evolveWith([])).toBe(evolve);
  });

  it('resume from a stored (JSON round-tripped) state: evolveAll with the extensions equals the whole fold', () => {
    const events = [start, queued, answered, end];
    const stored = JSON.parse(JSON.stringify(evolveAll(initialInteractionState(s.conversationId), events.slice(0, 2), [sentimentScore]))) as InteractionState;
    expect(evolveAll(stored, events.slice(2), [sentimentScore])).toEqual(foldInteraction(s.conversationId, events, [sentimentScore]));
  });
});
