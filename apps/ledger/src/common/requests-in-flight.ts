import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * The HTTP requests the service is answering right now, so that background work sharing its process (a rebuild's
 * fill) can give way to them. When the CPU ran short, a fill that took every gap it found left the API a little below
 * the load offered, and unanswered queries piled up for as long as it ran: 676 failed and a p99 of 57 s in a
 * 1,000,000-event rebuild under 200 queries/s on a 2-core machine; 0 failed and 7–12 s with the fill waiting here
 * (bench/README.md, Session 18).
 */
@Injectable()
export class RequestsInFlight {
  private count = 0;
  private readonly waiting = new Set<() => void>();

  get size(): number {
    return this.count;
  }

  /** Counts every request from its arrival until its response is sent or its connection closes, whichever is first. */
  track(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      this.count += 1;
      reply.raw.once('close', () => this.finished());
      done();
    });
  }

  /**
   * Resolves once no request is in flight, or after `maxWaitMs` (a long request, a streamed import or a busy API must
   * not stop the waiting work for good).
   */
  idle(maxWaitMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        this.waiting.delete(release);
        resolve();
      };
      const timer = setTimeout(release, maxWaitMs);
      this.waiting.add(release);
    });
  }

  private finished(): void {
    this.count -= 1;
    if (this.count === 0) for (const release of [...this.waiting]) release();
  }
}
