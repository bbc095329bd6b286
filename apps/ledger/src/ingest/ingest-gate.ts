import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';

/** A body admitted before it was read: counted as the items it is likely to hold until it is parsed or refused. */
export interface BodyAdmission {
  readonly bytes: number;
  open: boolean;
}

/**
 * Until bodies have been measured, an item is taken to be small (the smallest Genesys messages are about 200 bytes,
 * a detail event as EventBridge delivers it about 1 KB): counting too many events only saturates early, too few
 * would let the count overshoot.
 */
const INITIAL_BYTES_PER_ITEM = 256;
const INITIAL_BYTES_PER_BODY = 64 * 1024;
/** Weight of the latest body in the running averages. */
const LEARNING_RATE = 0.2;

/**
 * Counts the events in flight with hysteresis: at the high watermark ingest is saturated — HTTP requests get 503 and
 * notification sockets stop reading — until the count falls to the low one. What is admitted is what the process
 * holds, so memory follows the watermark, not the offered load.
 *
 * In flight are the events parsed and waiting for their commit, and the bodies admitted but not yet parsed, each
 * counted as the items its size suggests (bytes over the bytes an item took in the bodies parsed so far). Admission
 * is decided when a request's headers arrive; counting a body only once parsed let the count overshoot the watermark
 * by every body admitted meanwhile (25,700 against 20,000 with the CPU starved).
 */
@Injectable()
export class IngestGate {
  private parsedEvents = 0;
  private admittedBytes = 0;
  private bytesPerItem = INITIAL_BYTES_PER_ITEM;
  private bytesPerBody = INITIAL_BYTES_PER_BODY;
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
    return this.parsedEvents + Math.ceil(this.admittedBytes / this.bytesPerItem);
  }

  get isSaturated(): boolean {
    return this.saturated;
  }

  /** A body about to be read, of `contentLength` bytes (undefined when chunked: counted as an average body). */
  admitBody(contentLength: number | undefined): BodyAdmission {
    const bytes = contentLength !== undefined && Number.isFinite(contentLength) && contentLength >= 0 ? contentLength : Math.round(this.bytesPerBody);
    this.admittedBytes += bytes;
    this.update();
    return { bytes, open: true };
  }

  /** The body refused or failed before its events were acquired; nothing once they were. */
  cancelBody(admission: BodyAdmission): void {
    if (!admission.open) return;
    admission.open = false;
    this.admittedBytes -= admission.bytes;
    this.update();
  }

  /**
   * `events` parsed and about to be appended. From a body: it stops counting by its size, and its size over the items
   * in it (`items`: accepted, filtered and rejected alike) teaches the gate what an item weighs.
   */
  acquire(events: number, body?: { admission: BodyAdmission; items: number }): void {
    this.parsedEvents += events;
    if (body?.admission.open) {
      const { admission, items } = body;
      admission.open = false;
      this.admittedBytes -= admission.bytes;
      if (items > 0 && admission.bytes > 0) {
        this.bytesPerItem += LEARNING_RATE * (admission.bytes / items - this.bytesPerItem);
        this.bytesPerBody += LEARNING_RATE * (admission.bytes - this.bytesPerBody);
      }
    }
    this.update();
  }

  release(events: number): void {
    this.parsedEvents -= events;
    this.update();
  }

  /** Resolves at once when admitting, else when the in-flight count is back at the low watermark. */
  whenAdmitting(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private update(): void {
    const inFlight = this.inFlightEvents;
    if (inFlight > this.peakInFlight) this.peakInFlight = inFlight;
    if (!this.saturated && inFlight >= this.highWatermark) {
      this.saturated = true;
      this.saturations += 1;
    } else if (this.saturated && inFlight <= this.lowWatermark) {
      this.saturated = false;
      this.waiters.splice(0).forEach((resolve) => resolve());
    }
  }
}
