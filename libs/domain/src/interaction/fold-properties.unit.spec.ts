import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evolve, evolveAll, evolveWith, foldInteraction } from './evolve';
import { parseEventKind } from './event-kind';
import type { FoldExtension } from './fold-extension';
import { compareFoldOrder, foldSortKey } from './fold-order';
import type { FoldableEvent } from './foldable-event';
import { initialInteractionState, type InteractionState } from './interaction-state';
import { queueContributions } from './queue-contributions';
import { foldableEvent } from './testing/conversation-script';
import { type ConversationPlan, eventsOfPlan, type QueueVisitPlan } from './testing/conversation-plan';

// Small second counts (zero included) make equal eventTimes common, so the rank and id tie-breaks are exercised.
const seconds = fc.integer({ min: 0, max: 40 });

const visitArb: fc.Arbitrary<QueueVisitPlan> = fc.record(
  {
    queueId: fc.constantFrom('queue-a', 'queue-b'),
    waitS: seconds,
    outcome: fc.constantFrom('ANSWERED', 'ANSWERED', 'ABANDON', 'FLOW_OUT'),
    missedBy: fc.record({ userId: fc.constantFrom('agent-x', 'agent-y'), alertS: fc.integer({ min: 0, max: 10 }) }),
    userId: fc.constantFrom('agent-1', 'agent-2', 'agent-x'),
    alertS: fc.integer({ min: 0, max: 10 }),
    talkS: seconds,
    holds: fc.array(fc.record({ afterS: seconds, durationS: seconds }), { maxLength: 2 }),
    disconnectType: fc.constantFrom('CLIENT', 'PEER', 'TRANSFER', 'CONSULT_TRANSFER', 'WORMHOLE'),
    acw: fc.record({ durationS: seconds, wrapupCode: fc.constantFrom('wc-1', 'wc-2'), alsoWrapupEvent: fc.boolean() }),
  },
  { requiredKeys: ['queueId', 'waitS', 'outcome', 'userId', 'alertS', 'talkS', 'holds', 'disconnectType'] },
);

const planArb: fc.Arbitrary<ConversationPlan> = fc.record(
  {
    options: fc.record({ mediaType: fc.constantFrom('VOICE', 'CHAT', 'MESSAGE', 'EMAIL', 'CALLBACK', 'HOLOGRAM') }),
    ivrS: seconds,
    visits: fc.array(visitArb, { minLength: 1, maxLength: 3 }),
    attributes: fc.array(fc.record({ atS: seconds, key: fc.constantFrom('k1', 'k2'), value: fc.constantFrom('v1', 'v2', 'v3') }), { maxLength: 3 }),
    customerEnds: fc.constantFrom('never', 'withAgent', 'last'),
  },
  { requiredKeys: ['visits', 'attributes', 'customerEnds'] },
);

/** A generated conversation plus noise: an unknown topic and an event without business time. */
const conversationArb = planArb.map((plan) => {
  const { script, events } = eventsOfPlan(plan);
  const noise: FoldableEvent[] = [
    foldableEvent('v2.users.{id}.presence', { presenceDefinition: { systemPresence: 'Busy' } }, script.at(1000)),
    { ...script.attributes(0, { timeless: 'yes' }), eventTime: null },
  ];
  script.events.pop();
  return { conversationId: script.conversationId, events: [...events, ...noise] };
});

/** Any delivery of a conversation's events: random duplicates, random order. */
const deliveriesOf = (conversations: fc.Arbitrary<{ conversationId: string; events: FoldableEvent[] }>) =>
  conversations.chain((c) =>
    fc
      .array(fc.nat({ max: c.events.length - 1 }), { maxLength: c.events.length })
      .chain((dups) => {
        const all = [...c.events, ...dups.map((i) => c.events[i] as FoldableEvent)];
        return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
      })
      .map((delivered) => ({ ...c, delivered })),
  );

const deliveredArb = deliveriesOf(conversationArb);

/** A field the shipped fold does not know, kept by a fold extension: the value of the latest event carrying it. */
const sentimentScore: FoldExtension<number> = {
  name: 'sentimentScore',
  evolve: (current, event) => (typeof event.data.sentimentScore === 'number' ? event.data.sentimentScore : current),
};

/**
 * The generated conversations with that field on some events (noise included). Chosen by event id, so every copy of
 * an event carries it: one id, one body, as ingest guarantees.
 */
const scoredArb = fc
  .tuple(conversationArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: -100, max: 100 })), { maxLength: 4 }))
  .map(([c, picks]) => {
    const scores = new Map(picks.map(([at, score]) => [(c.events[at % c.events.length] as FoldableEvent).eventId, score]));
    const events = c.events.map((event) => {
      const score = scores.get(event.eventId);
      return score === undefined ? event : { ...event, data: { ...event.data, sentimentScore: score } };
    });
    return { ...c, events };
  });

/** What the extension should hold: the score of the last scored event the fold applies, in fold order. */
function latestScore(events: readonly FoldableEvent[]): number | undefined {
  const applied = events.filter((e) => parseEventKind(e.eventType).kind !== 'ignored' && typeof e.data.sentimentScore === 'number');
  return [...applied].sort(compareFoldOrder).at(-1)?.data.sentimentScore as number | undefined;
}

// FOLD_RUNS=5000 for a deeper search; the default keeps the unit suite fast.
const runs = { numRuns: Number(process.env.FOLD_RUNS ?? 300) };

describe('the interaction fold', { timeout: 60_000 }, () => {
  it('gives a deep-equal state for any permutation of the events, with any duplicates', () => {
    fc.assert(
      fc.property(deliveredArb, ({ conversationId, events, delivered }) => {
        expect(foldInteraction(conversationId, delivered)).toEqual(foldInteraction(conversationId, events));
      }),
      runs,
    );
  });

  it('incremental application in fold order (duplicates included) equals the fold', () => {
    fc.assert(
      fc.property(deliveredArb, ({ conversationId, delivered }) => {
        const incremental = [...delivered].sort(compareFoldOrder).reduce(evolve, initialInteractionState(conversationId));
        expect(incremental).toEqual(foldInteraction(conversationId, delivered));
      }),
      runs,
    );
  });

  it('can resume from a stored (JSON round-tripped) state at any point', () => {
    fc.assert(
      fc.property(conversationArb, fc.nat(), ({ conversationId, events }, cut) => {
        const sorted = [...events].sort(compareFoldOrder);
        const at = cut % (sorted.length + 1);
        const stored = JSON.parse(JSON.stringify(sorted.slice(0, at).reduce(evolve, initialInteractionState(conversationId)))) as InteractionState;
        expect(sorted.slice(at).reduce(evolve, stored)).toEqual(foldInteraction(conversationId, events));
      }),
      runs,
    );
  });

  it('evolveAll (one clone, one derivation) equals evolve event by event, from a stored state, never changing its input', () => {
    fc.assert(
      fc.property(deliveredArb, fc.nat(), ({ conversationId, delivered }, cut) => {
        const sorted = [...delivered].sort(compareFoldOrder);
        const at = cut % (sorted.length + 1);
        const stored = JSON.parse(JSON.stringify(sorted.slice(0, at).reduce(evolve, initialInteractionState(conversationId)))) as InteractionState;
        const before = JSON.stringify(stored);
        expect(evolveAll(deepFreeze(stored), sorted.slice(at))).toEqual(sorted.slice(at).reduce(evolve, stored));
        expect(JSON.stringify(stored)).toBe(before);
      }),
      runs,
    );
  });

  it('never changes the state it is given', () => {
    fc.assert(
      fc.property(conversationArb, ({ conversationId, events }) => {
        let state = initialInteractionState(conversationId);
        for (const event of [...events].sort(compareFoldOrder)) {
          const before = JSON.stringify(state);
          const next = evolve(deepFreeze(state), deepFreeze(event));
          expect(JSON.stringify(state)).toBe(before);
          state = next;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps foldSortKey consistent with compareFoldOrder', () => {
    fc.assert(
      fc.property(deliveredArb, ({ delivered }) => {
        const byKey = [...delivered].sort((a, b) => (foldSortKey(a) < foldSortKey(b) ? -1 : foldSortKey(a) > foldSortKey(b) ? 1 : 0));
        expect(byKey.map((e) => e.eventId)).toEqual([...delivered].sort(compareFoldOrder).map((e) => e.eventId));
      }),
      { numRuns: 100 },
    );
  });

  it('yields the metrics the plan implies, and queue contributions that add up to them', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const { script, events, expected } = eventsOfPlan(plan);
        const state = foldInteraction(script.conversationId, events);
        const m = state.metrics;
        expect(m).toEqual(expected);
        if (plan.customerEnds !== 'never') expect(state).toMatchObject({ phase: 'ended', endedAt: expect.any(String) });
        const rows = queueContributions(state, { serviceLevelMs: 20_000 });
        const sum = (key: 'nOffered' | 'nAbandoned' | 'tAcdSum' | 'tTalkSum' | 'tHeldSum' | 'tAcwSum' | 'tHandleSum') => rows.reduce((n, r) => n + r[key], 0);
        const queueSegments = state.participants.flatMap((p) => p.segments).filter((x) => x.segmentType === 'queue');
        expect(sum('nOffered')).toBe(queueSegments.length);
        expect(queueSegments.length).toBe(events.filter((e) => e.eventType.endsWith('.acd.start')).length);
        expect(sum('tAcdSum')).toBe(m.tAcd);
        expect(sum('nAbandoned') > 0).toBe(m.abandoned);
        expect({ talk: sum('tTalkSum'), held: sum('tHeldSum'), acw: sum('tAcwSum'), handle: sum('tHandleSum') }).toEqual({
          talk: m.tTalk, held: m.tHeld, acw: m.tAcw, handle: m.tHandle,
        });
      }),
      runs,
    );
  });
});

describe('the interaction fold with a fold extension', { timeout: 60_000 }, () => {
  it('stays independent of delivery order and duplicates, and keeps the latest value in fold order', () => {
    fc.assert(
      fc.property(deliveriesOf(scoredArb), ({ conversationId, events, delivered }) => {
        const state = foldInteraction(conversationId, delivered, [sentimentScore]);
        expect(state).toEqual(foldInteraction(conversationId, events, [sentimentScore]));
        const expected = latestScore(events);
        if (expected === undefined) expect(state).not.toHaveProperty('extensions');
        else expect(state.extensions).toEqual({ sentimentScore: expected });
        const { extensions: _extensions, ...facts } = state;
        expect(facts).toEqual(foldInteraction(conversationId, delivered));
      }),
      runs,
    );
  });

  it('gives the same state event by event, in one evolveAll, and resumed from a stored state', () => {
    fc.assert(
      fc.property(deliveriesOf(scoredArb), fc.nat(), ({ conversationId, delivered }, cut) => {
        const sorted = [...delivered].sort(compareFoldOrder);
        const at = cut % (sorted.length + 1);
        const folded = foldInteraction(conversationId, delivered, [sentimentScore]);
        expect(sorted.reduce(evolveWith([sentimentScore]), initialInteractionState(conversationId))).toEqual(folded);
        const stored = JSON.parse(JSON.stringify(evolveAll(initialInteractionState(conversationId), sorted.slice(0, at), [sentimentScore]))) as InteractionState;
        const before = JSON.stringify(stored);
        expect(evolveAll(deepFreeze(stored), sorted.slice(at), [sentimentScore])).toEqual(folded);
        expect(JSON.stringify(stored)).toBe(before);
      }),
      runs,
    );
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
