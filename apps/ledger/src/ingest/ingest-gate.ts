import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';

/**
 * Counts the events in flight (parsed, waiting for their commit) with hysteresis: at the high watermark ingest is
 * saturated — HTTP requests get 503 and notification sockets stop reading — until the count falls to the low one.
 * What is admitted is what the process holds, so memory follows the watermark, not the offered load.
 */
@Injectable()
export class IngestGate {
  private inFlight = 0;
  private saturated = false;
  private readonly waiters: (() => void)[] = [];
  peakInFlight = 0;
  saturations = 0;

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  get highWatermark(): number {
    return this.config.backpressure.highWatermark;
  }

  get lowWatermark(): number {
    return this.config.backpressure.lowWatermark;
  }

  get inFlightEvents(): number {
    return this.inFlight;
  }

  get isSaturated(): boolean {
    return this.saturated;
  }

  acquire(events: number): void {
    this.inFlight += events;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    if (!this.saturated && this.inFlight >= this.highWatermark) {
      this.saturated = true;
      this.saturations += 1;
    }
  }

  release(events: number): void {
    this.inFlight -= events;
    if (this.saturated && this.inFlight <= this.lowWatermark) {
      this.saturated = false;
      this.waiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Resolves at once when admitting, else when the in-flight count is back at the low watermark. */
  whenAdmitting(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
