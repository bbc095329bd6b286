import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { LEDGER_LOGGER, logRequests } from './common/request-log';
import { RequestsInFlight } from './common/requests-in-flight';
import type { LedgerConfig } from './config/ledger-config';
import { LedgerModule, type LedgerAppOverrides } from './ledger.module';
import { setUpOpenApi } from './ops/openapi';

export type { LedgerAppOverrides } from './ledger.module';
export type LedgerApp = NestFastifyApplication;

/**
 * Builds the service (not yet listening). Used by main.ts and by the end-to-end tests, which may override what the
 * code ships (e.g. deploy the next interaction projection version without a build of its own).
 */
export async function createLedgerApp(config: LedgerConfig, databaseUrl: string, overrides: LedgerAppOverrides = {}): Promise<LedgerApp> {
  const app = await NestFactory.create<LedgerApp>(LedgerModule.forRoot(config, databaseUrl, overrides), ledgerHttpAdapter(), ledgerAppOptions);
  app.useLogger(app.get(Logger));
  // Before init() registers the routes, so that every route runs the hooks.
  logRequests(app.getHttpAdapter().getInstance(), app.get(LEDGER_LOGGER));
  app.get(RequestsInFlight).track(app.getHttpAdapter().getInstance());
  setUpOpenApi(app);
  return app;
}

/** Options for `NestFactory.create` / `createNestApplication` next to `ledgerHttpAdapter()`. */
export const ledgerAppOptions = { bodyParser: false, bufferLogs: true } as const;

/**
 * Fastify rather than Express: on this project's 2-core reference machine an empty Nest route serves ~7× the requests
 * per second (see bench/README.md), which is what the query latency targets need.
 */
export function ledgerHttpAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({
    // Express's habits, which clients and the tests rely on: `/v1/interactions/` is `/v1/interactions`, and an
    // over-long id reaches the handler (a 400 naming the field) instead of Fastify's bare 404.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  });
  const fastify = adapter.getInstance();
  // Ingest reads the raw bytes itself (signatures are over the bytes; its own size limit, content types and NDJSON);
  // other routes take no body. So Fastify parses nothing and leaves the request stream unread for the handler.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  return adapter;
}
