import { describe, expect, it } from 'vitest';
import { initialInteractionState } from '@ledger/domain';
import type { StoredInteraction } from './apply-interaction-batch';
import { PlannedInteractions } from './planned-interactions';

const row = (conversationId: string, eventCount: number): StoredInteraction => ({
  conversation_id: conversationId,
  state: initialInteractionState(conversationId),
  fold_key: `k${eventCount}`,
  event_count: eventCount,
  sort_time: new Date('2026-11-24T08:00:00Z'),
});

describe('PlannedInteractions', () => {
  it('answers planned rows, and refold for what a batch in flight re-folds', () => {
    const planned = new PlannedInteractions(10);
    planned.planned(1, [row('a', 3)], ['b']);
    expect(planned.lookup('a')).toMatchObject({ event_count: 3 });
    expect(planned.lookup('b')).toBe('refold');
    expect(planned.lookup('c')).toBeUndefined();
  });

  it('learns a re-folded row at commit, unless a later batch has taken the conversation over', () => {
    const planned = new PlannedInteractions(10);
    planned.planned(1, [], ['a', 'b']);
    planned.planned(2, [], ['b']); // batch 2 re-folds b after batch 1 commits
    planned.committed(1, [row('a', 5), row('b', 5)]);
    expect(planned.lookup('a')).toMatchObject({ event_count: 5 });
    expect(planned.lookup('b')).toBe('refold');
  });

  it('evicts committed rows oldest first, never those of a batch still in flight', () => {
    const planned = new PlannedInteractions(2);
    planned.planned(1, [row('a', 1), row('b', 1), row('c', 1)], []);
    expect(planned.size).toBe(3); // batch 1 is in flight: the table does not hold its rows yet
    planned.committed(1, [row('a', 1), row('b', 1), row('c', 1)]);
    expect(planned.size).toBe(2);
    expect(planned.lookup('a')).toBeUndefined();
    planned.planned(2, [row('a', 2), row('d', 1)], []);
    expect(planned.lookup('b')).toBeUndefined(); // oldest committed went first
    expect(planned.lookup('c')).toBeUndefined();
    expect(planned.lookup('a')).toMatchObject({ event_count: 2 });
    expect(planned.lookup('d')).toMatchObject({ event_count: 1 });
  });
});
