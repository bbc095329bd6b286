import { silentLogger, type GenesysLogger } from '../logger';
import type { MessageSink } from './message-sink';

export interface PumpSettings {
  /** Most messages per delivery to ingest. */
  maxBatch: number;
  /** How long a partial batch waits for company. */
  lingerMs: number;
  /** Messages held (buffered or being stored) before reading stops: the bound on this consumer's memory. */
  maxPending: number;
  /** Deliveries in flight at once, so group commit can coalesce them. */
  maxConcurrent: number;
  /** Backoff between attempts when ingest fails (the store is down): first and largest delay. */
  retryInitialMs: number;
  retryMaxMs: number;
}

/**
 * Batches socket messages into ingest deliveries and decides when the socket must stop reading: when this pump
 * holds `maxPending` messages, or when ingest is saturated. Reading resumes below half of `maxPending` once ingest
 * admits again. Nothing here grows without bound.
 */
export class MessagePump {
  private buffer: Record<string, unknown>[] = [];
  private pendingCount = 0;
  private inFlight = 0;
  private linger: NodeJS.Timeout | null = null;
  private paused = false;
  private awaitingAdmission = false;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  delivered = 0;
  deliveryFailures = 0;
  pauses = 0;

  constructor(
    private readonly sink: MessageSink,
    private readonly settings: PumpSettings,
    private readonly onPressure: (pause: boolean) => void,
    private readonly logger: GenesysLogger = silentLogger,
  ) {}

  get pending(): number {
    return this.pendingCount;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  push(message: Record<string, unknown>): void {
    this.buffer.push(message);
    this.pendingCount += 1;
    if (this.buffer.length >= this.settings.maxBatch) this.flush();
    else this.linger ??= setTimeout(() => this.flush(), this.settings.lingerMs);
    this.updatePressure();
  }

  /** Delivers everything held; resolves when nothing is pending (or at the deadline, reporting what is left). */
  async drain(deadlineMs: number): Promise<number> {
    this.flush();
    if (this.pendingCount === 0) return 0;
    await Promise.race([new Promise<void>((resolve) => this.idleWaiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, deadlineMs).unref())]);
    return this.pendingCount;
  }

  /** Stop retrying failed deliveries (shutdown, after drain). */
  stop(): void {
    this.stopped = true;
    if (this.linger) clearTimeout(this.linger);
  }

  private flush(): void {
    if (this.linger) {
      clearTimeout(this.linger);
      this.linger = null;
    }
    while (this.buffer.length > 0 && this.inFlight < this.settings.maxConcurrent) {
      const batch = this.buffer.splice(0, this.settings.maxBatch);
      this.inFlight += 1;
      void this.deliver(batch).finally(() => {
        this.inFlight -= 1;
        this.pendingCount -= batch.length;
        this.delivered += batch.length;
        if (this.buffer.length > 0) this.flush();
        this.updatePressure();
        if (this.pendingCount === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  /** Retries until stored (or stopped): a message read from the socket exists nowhere else. */
  private async deliver(batch: Record<string, unknown>[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.sink.deliver(batch);
        return;
      } catch (error) {
        this.deliveryFailures += 1;
        if (this.stopped) {
          this.logger.error({ lost: batch.length, err: error instanceof Error ? error.message : String(error) }, 'ingest failed during shutdown; messages lost');
          return;
        }
        const delay = Math.min(this.settings.retryMaxMs, this.settings.retryInitialMs * 2 ** (attempt - 1));
        this.logger.warn({ attempt, delayMs: delay, messages: batch.length, err: error instanceof Error ? error.message : String(error) }, 'ingest failed; retrying (socket reading paused meanwhile)');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private updatePressure(): void {
    const saturated = this.sink.isSaturated();
    if (!this.paused && (this.pendingCount >= this.settings.maxPending || saturated)) {
      this.paused = true;
      this.pauses += 1;
      this.onPressure(true);
    } else if (this.paused && this.pendingCount < this.settings.maxPending / 2 && !saturated) {
      this.paused = false;
      this.onPressure(false);
    }
    if (this.paused && saturated && !this.awaitingAdmission) {
      // One waiter at a time: ingest tells us when it admits again.
      this.awaitingAdmission = true;
      void this.sink.whenAdmitting().then(() => {
        this.awaitingAdmission = false;
        this.updatePressure();
      });
    }
  }
}
