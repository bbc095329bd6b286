import { describe, expect, it } from 'vitest';
import type { AppendOutcome, AppendRequest } from '@ledger/event-store';
import { PriorityGroupCommit } from './priority-group-commit';
import { isUrgentEvent } from './urgent-events';

/** A store whose commits wait until released, recording what each commit carried. */
function slowStore() {
  const commits: string[][] = [];
  const releases: (() => void)[] = [];
  return {
    commits,
    releaseNext: () => releases.shift()?.(),
    appendMany: async (requests: AppendRequest[]): Promise<AppendOutcome[]> => {
      commits.push(requests.map((request) => request.streamId));
      await new Promise<void>((resolve) => releases.push(resolve));
      return requests.map(() => ({ ok: true, nextExpectedRevision: 0n, position: 1n, appended: 1, duplicates: 0 }));
    },
  };
}

const request = (streamId: string): AppendRequest[] => [{ streamId, events: [{ eventId: streamId, eventType: 't', data: {}, metadata: {} }] }];
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PriorityGroupCommit', () => {
  it('under backlog, urgent submissions commit ahead of normal ones queued before them', async () => {
    const store = slowStore();
    const commit = new PriorityGroupCommit(store, { maxEventsPerCommit: 2, maxConcurrentCommits: 1 });
    const done: string[] = [];
    const submit = (id: string, lane: 'urgent' | 'normal') => commit.submit(request(id), lane).then(() => done.push(id));
    const all = [submit('n1', 'normal'), submit('n2', 'normal'), submit('n3', 'normal'), submit('n4', 'normal'), submit('u1', 'urgent'), submit('u2', 'urgent')];
    await tick();
    expect(store.commits).toEqual([['n1']]);
    store.releaseNext();
    await tick();
    // The backlog had n2..n4 waiting; u1 and u2 go first.
    expect(store.commits[1]).toEqual(['u1', 'u2']);
    store.releaseNext();
    await tick();
    expect(store.commits[2]).toEqual(['n2', 'n3']);
    store.releaseNext();
    await tick();
    store.releaseNext();
    await Promise.all(all);
    expect(done).toEqual(['n1', 'u1', 'u2', 'n2', 'n3', 'n4']);
    expect(commit.urgentEventsCommitted).toBe(2);
  });

  it('without backlog, both lanes share one commit', async () => {
    const store = slowStore();
    const commit = new PriorityGroupCommit(store, { maxEventsPerCommit: 100, maxConcurrentCommits: 1 });
    const first = commit.submit(request('a'), 'normal');
    await tick();
    const rest = [commit.submit(request('b'), 'normal'), commit.submit(request('c'), 'urgent')];
    store.releaseNext();
    await tick();
    expect(store.commits[1]).toEqual(['c', 'b']);
    store.releaseNext();
    await Promise.all([first, ...rest]);
  });

  it('fails every submission of a failed commit, and nothing else', async () => {
    let calls = 0;
    const commit = new PriorityGroupCommit(
      {
        appendMany: async (requests) => {
          calls += 1;
          if (calls === 1) throw new Error('store down');
          return requests.map(() => ({ ok: true, nextExpectedRevision: 0n, position: 1n, appended: 1, duplicates: 0 }) as AppendOutcome);
        },
      },
      { maxEventsPerCommit: 1, maxConcurrentCommits: 1 },
    );
    const results = await Promise.allSettled([commit.submit(request('a'), 'normal'), commit.submit(request('b'), 'normal')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
  });
});

describe('isUrgentEvent', () => {
  const event = (eventType: string, topicName: string, data: Record<string, unknown> = {}) => ({
    eventType,
    data,
    metadata: { topicName, topicVersion: null, source: 'notifications' as const, eventTime: null, receivedAt: '', correlationId: null },
  });
  const queue = '11111111-1111-4111-8111-111111111111';

  it('acd.start and user.start are urgent; their ends are not', () => {
    for (const kind of ['acd.start', 'user.start']) expect(isUrgentEvent(event(`v2.detail.events.conversation.{id}.${kind}`, ''))).toBe(true);
    for (const kind of ['acd.end', 'user.end', 'attributes']) expect(isUrgentEvent(event(`v2.detail.events.conversation.{id}.${kind}`, ''))).toBe(false);
  });

  it('a conversation snapshot is urgent while a leg is alerting', () => {
    const topic = `v2.routing.queues.${queue}.conversations`;
    const alerting = { id: 'c', participants: [{ purpose: 'agent', calls: [{ state: 'alerting' }] }] };
    const connected = { id: 'c', participants: [{ purpose: 'agent', calls: [{ state: 'connected' }] }] };
    const perMedia = { id: 'c', participants: [{ purpose: 'agent', state: 'ALERTING' }] };
    expect(isUrgentEvent(event('v2.routing.queues.{id}.conversations', topic, alerting))).toBe(true);
    expect(isUrgentEvent(event('v2.routing.queues.{id}.conversations.calls', `${topic}.calls`, perMedia))).toBe(true);
    expect(isUrgentEvent(event('v2.routing.queues.{id}.conversations', topic, connected))).toBe(false);
  });
});
