import type { AppendOutcome, AppendRequest, EventStore } from '@ledger/event-store';

export type CommitLane = 'urgent' | 'normal';

interface Pending {
  requests: AppendRequest[];
  events: number;
  resolve: (outcomes: AppendOutcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit with two lanes: concurrent submissions share transactions, and each transaction is filled from the
 * urgent lane before the normal one. With no backlog both lanes commit at once; under backlog, urgent events overtake
 * everything still queued. Each submission resolves only after the transaction carrying it has committed.
 */
export class PriorityGroupCommit {
  private readonly lanes: Record<CommitLane, Pending[]> = { urgent: [], normal: [] };
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];
  urgentEventsCommitted = 0;

  constructor(
    private readonly store: Pick<EventStore, 'appendMany'>,
    private readonly options: { maxEventsPerCommit: number; maxConcurrentCommits: number },
  ) {}

  submit(requests: AppendRequest[], lane: CommitLane): Promise<AppendOutcome[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const events = requests.reduce((sum, request) => sum + request.events.length, 0);
      this.lanes[lane].push({ requests, events, resolve, reject });
      this.pump();
    });
  }

  /** Submissions waiting or being written. */
  get backlog(): number {
    return this.lanes.urgent.length + this.lanes.normal.length + this.inFlight;
  }

  async drain(): Promise<void> {
    if (this.backlog === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.lanes.urgent.length + this.lanes.normal.length > 0 && this.inFlight < this.options.maxConcurrentCommits) {
      const batch = this.takeBatch();
      this.inFlight += 1;
      void this.commit(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
        if (this.backlog === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  private takeBatch(): { pending: Pending[]; urgentEvents: number } {
    const pending: Pending[] = [];
    let events = 0;
    let urgentEvents = 0;
    for (const lane of ['urgent', 'normal'] as const) {
      const queue = this.lanes[lane];
      while (queue.length > 0) {
        const next = queue[0] as Pending;
        if (pending.length > 0 && events + next.events > this.options.maxEventsPerCommit) return { pending, urgentEvents };
        pending.push(next);
        events += next.events;
        if (lane === 'urgent') urgentEvents += next.events;
        queue.shift();
      }
    }
    return { pending, urgentEvents };
  }

  private async commit({ pending, urgentEvents }: { pending: Pending[]; urgentEvents: number }): Promise<void> {
    try {
      const outcomes = await this.store.appendMany(pending.flatMap((item) => item.requests));
      this.urgentEventsCommitted += urgentEvents;
      let offset = 0;
      for (const item of pending) {
        item.resolve(outcomes.slice(offset, offset + item.requests.length));
        offset += item.requests.length;
      }
    } catch (error) {
      for (const item of pending) item.reject(error);
    }
  }
}
