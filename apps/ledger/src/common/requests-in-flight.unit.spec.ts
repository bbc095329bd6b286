import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RequestsInFlight } from './requests-in-flight';

describe('RequestsInFlight', () => {
  let fastify: FastifyInstance;
  let requests: RequestsInFlight;
  let url: string;
  /** Requests to /held wait here until the test answers them. */
  let answerHeld: () => void = () => undefined;
  let heldArrived: Promise<void>;
  let markArrived: () => void = () => undefined;

  beforeEach(async () => {
    heldArrived = new Promise((resolve) => (markArrived = resolve));
    fastify = Fastify();
    requests = new RequestsInFlight();
    requests.track(fastify);
    fastify.get('/quick', async () => ({ ok: true }));
    fastify.get('/held', async () => {
      markArrived();
      await new Promise<void>((resolve) => (answerHeld = resolve));
      return { ok: true };
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    answerHeld();
    await fastify.close();
  });

  /** Whether `promise` has settled after the event loop has had a few turns. */
  const settled = async (promise: Promise<unknown>): Promise<boolean> => {
    let done = false;
    void promise.then(() => (done = true));
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    return done;
  };

  it('is idle at once with nothing in flight, and after requests that were answered', async () => {
    expect(await settled(requests.idle(60_000))).toBe(true);
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/quick`).then((response) => response.json())));
    expect(answers).toEqual(Array.from({ length: 5 }, () => ({ ok: true })));
    // The response's 'close' may follow the client's read of the body by a turn or two.
    for (let turn = 0; turn < 20 && requests.size > 0; turn++) await sleep(5);
    expect(requests.size).toBe(0);
    expect(await settled(requests.idle(60_000))).toBe(true);
  });

  it('holds a waiter while a request is in flight and releases it when the request is answered', async () => {
    const held = fetch(`${url}/held`);
    await heldArrived;
    expect(requests.size).toBe(1);
    const idle = requests.idle(60_000);
    expect(await settled(idle)).toBe(false);
    answerHeld();
    expect(await (await held).json()).toEqual({ ok: true });
    await idle;
    expect(requests.size).toBe(0);
  });

  it('releases a waiter after maxWaitMs although the request is still in flight', async () => {
    const held = fetch(`${url}/held`);
    await heldArrived;
    await requests.idle(20);
    expect(requests.size).toBe(1);
    answerHeld();
    await (await held).arrayBuffer();
  });

  it('counts a request whose client went away as finished', async () => {
    const client = httpRequest(`${url}/held`);
    client.on('error', () => undefined);
    client.end();
    await heldArrived;
    const idle = requests.idle(60_000);
    client.destroy();
    await idle;
    expect(requests.size).toBe(0);
  });
});
