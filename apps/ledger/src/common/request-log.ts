import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';

/** Nest token of the service's pino logger (`createLedgerLogger`). */
export const LEDGER_LOGGER = Symbol('LEDGER_LOGGER');

/** The service's one pino logger: Nest's `Logger` (through nestjs-pino) and the request lines both write to it. */
export function createLedgerLogger(level: string): Logger {
  return pino({
    level,
    redact: ['req.headers.authorization', 'req.headers["x-ledger-signature"]', 'req.headers.cookie'],
    serializers: { req: pino.stdSerializers.req, err: pino.stdSerializers.err },
  });
}

/**
 * One line per request, written from Fastify's `onResponse` hook: every request at `debug` (ingest traffic would drown
 * everything else at `info`), and failures (5xx other than 503, which is backpressure or a store outage the ingest
 * service logs itself) at `error` whatever the level.
 *
 * Not pino-http as Nest middleware: that ran on every request through Fastify's Express-style middleware layer,
 * created a child logger and opened an AsyncLocalStorage context (Node's promise hooks on every promise from then on),
 * and cost 65 µs of CPU per request — more than the rest of a `/health/live` answer (bench/README.md, session 11).
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const failed = status >= 500 && status !== 503;
    if (failed || logger.isLevelEnabled('debug')) {
      const line = { reqId: request.id, req: request.raw, res: { statusCode: status, headers: reply.getHeaders() }, responseTime: reply.elapsedTime };
      if (failed) logger.error(line, 'request errored');
      else logger.debug(line, 'request completed');
    }
    done();
  });
}
