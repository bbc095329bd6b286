import { describe, expect, it } from 'vitest';
import type { LedgerConfig } from '../config/ledger-config';
import { IngestGate } from './ingest-gate';

const gateWith = (highWatermark: number, lowWatermark: number) =>
  new IngestGate({ backpressure: { highWatermark, lowWatermark, retryAfterSeconds: 1 } } as LedgerConfig);

describe('IngestGate', () => {
  it('saturates at the high watermark and admits again only at the low one (hysteresis)', async () => {
    const gate = gateWith(100, 40);
    gate.acquire(60);
    expect(gate.isSaturated).toBe(false);
    gate.acquire(40);
    expect(gate.isSaturated).toBe(true);
    let admitted = false;
    const waiting = gate.whenAdmitting().then(() => (admitted = true));
    gate.release(50);
    await Promise.resolve();
    expect(gate.isSaturated).toBe(true);
    expect(admitted).toBe(false);
    gate.release(10);
    await waiting;
    expect(gate.isSaturated).toBe(false);
    expect(gate.inFlightEvents).toBe(40);
    expect(gate.peakInFlight).toBe(100);
    expect(gate.saturations).toBe(1);
  });

  it('whenAdmitting resolves at once when not saturated', async () => {
    await expect(gateWith(10, 5).whenAdmitting()).resolves.toBeUndefined();
  });
});
