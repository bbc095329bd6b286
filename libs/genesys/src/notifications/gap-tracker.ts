import type { GenesysLogger } from '../logger';
import type { GapRecorder } from './message-sink';

export interface GapSummary {
  channelIndex: number;
  channelId: string | null;
  reason: string;
  startedAt: string;
  endedAt: string | null;
}

/**
 * The open gap of one channel (at most one at a time) and the last few closed ones. Each gap is written when it
 * opens and completed when it closes, so a crash mid-gap still leaves its start on record.
 */
export class GapTracker {
  private open: { summary: GapSummary; id: Promise<string | null> } | null = null;
  private readonly recent: GapSummary[] = [];

  constructor(
    private readonly channelIndex: number,
    private readonly recorder: GapRecorder,
    private readonly logger: GenesysLogger,
    private readonly now: () => number,
  ) {}

  get isOpen(): boolean {
    return this.open !== null;
  }

  /** Starts a gap unless one is already open (the first reason is the one that counts). */
  start(reason: string, channelId: string | null): void {
    if (this.open) return;
    const startedAt = new Date(this.now());
    const summary: GapSummary = { channelIndex: this.channelIndex, channelId, reason, startedAt: startedAt.toISOString(), endedAt: null };
    const id = this.recorder.opened({ channelIndex: this.channelIndex, channelId, reason, startedAt }).catch((error: unknown) => {
      this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'could not record a connector gap');
      return null;
    });
    this.open = { summary, id };
  }

  end(): void {
    const gap = this.open;
    if (!gap) return;
    this.open = null;
    const endedAt = new Date(this.now());
    gap.summary.endedAt = endedAt.toISOString();
    this.recent.push(gap.summary);
    if (this.recent.length > 20) this.recent.shift();
    void gap.id
      .then((id) => (id === null ? undefined : this.recorder.closed(id, endedAt)))
      .catch((error: unknown) => this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'could not close a connector gap'));
  }

  /** The last closed gaps and the open one, oldest first. */
  summaries(): GapSummary[] {
    return [...this.recent, ...(this.open ? [this.open.summary] : [])];
  }
}
