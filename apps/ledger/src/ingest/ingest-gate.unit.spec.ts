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

  it('counts a body admitted before it is read, so bodies admitted together saturate it before any is parsed', () => {
    const gate = gateWith(100, 40);
    // 256 bytes an item until measured: three 10 KB bodies count as 120 events, over the high watermark.
    const bodies = [gate.admitBody(10 * 1024), gate.admitBody(10 * 1024)];
    expect(gate.inFlightEvents).toBe(80);
    expect(gate.isSaturated).toBe(false);
    bodies.push(gate.admitBody(10 * 1024));
    expect(gate.isSaturated).toBe(true);
    expect(gate.peakInFlight).toBe(120);
    // Parsed: the body counts as its events (30 of its 40 items accepted) and teaches the gate the bytes an item weighs.
    gate.acquire(30, { admission: bodies[0]!, items: 40 });
    expect(gate.inFlightEvents).toBe(110);
    // Refused after admission (bad signature, 413, 400): what it reserved is returned, once.
    gate.cancelBody(bodies[1]!);
    gate.cancelBody(bodies[1]!);
    expect(gate.inFlightEvents).toBe(70);
    // Cancelling a body whose events were acquired changes nothing: they are released after their commit.
    gate.cancelBody(bodies[0]!);
    expect(gate.inFlightEvents).toBe(70);
    // The body still unread counts: with it, 40 in flight is the low watermark, so admitting resumes only now.
    gate.release(30);
    expect(gate.inFlightEvents).toBe(40);
    expect(gate.isSaturated).toBe(false);
    gate.cancelBody(bodies[2]!);
    expect(gate.inFlightEvents).toBe(0);
  });

  it('learns the bytes an item takes from the bodies it parses, and counts a body of unknown length as an average one', () => {
    const gate = gateWith(1_000_000, 10);
    for (let n = 0; n < 60; n++) {
      const body = gate.admitBody(300 * 100);
      gate.acquire(100, { admission: body, items: 100 });
      gate.release(100);
    }
    expect(gate.inFlightEvents).toBe(0);
    // 300 bytes an item now (the count rounds up what is left of the first guess, 256).
    gate.admitBody(300 * 50);
    expect([50, 51]).toContain(gate.inFlightEvents);
    gate.admitBody(undefined);
    expect([150, 151]).toContain(gate.inFlightEvents);
  });
});
