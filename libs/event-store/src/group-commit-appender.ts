import type { AppendOutcome, AppendRequest, EventStore } from './event-store.port';

export interface GroupCommitOptions {
  /** Most events one commit carries; a larger submission still commits whole, alone. */
  maxEventsPerCommit: number;
  /** Commits in flight at once: one fills while another is being written. */
  maxConcurrentCommits: number;
}

interface Pending {
  requests: AppendRequest[];
  events: number;
  resolve: (outcomes: AppendOutcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces concurrent submissions (one per HTTP request) into shared transactions: while one commit is being
 * written, the next submissions queue up and go together in the next one. Each submission resolves only after the
 * transaction carrying it has committed, and fails whole if that transaction fails.
 */
export class GroupCommitAppender {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: Pick<EventStore, 'appendMany'>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Resolves with one outcome per request, in order, once they are durable. */
  submit(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const events = requests.reduce((sum, request) => sum + request.events.length, 0);
      this.queue.push({ requests, events, resolve, reject });
      this.pump();
    });
  }

  /** Submissions waiting or being written. */
  get backlog(): number {
    return this.queue.length + this.inFlight;
  }

  /** Resolves when everything submitted so far has been committed or failed. */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxConcurrentCommits) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.queue.length === 0 && this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      if (batch.length > 0 && events + next.events > this.options.maxEventsPerCommit) break;
      batch.push(next);
      events += next.events;
      this.queue.shift();
    }
    return batch;
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.store.appendMany(batch.flatMap((pending) => pending.requests));
      let offset = 0;
      for (const pending of batch) {
        pending.resolve(outcomes.slice(offset, offset + pending.requests.length));
        offset += pending.requests.length;
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
