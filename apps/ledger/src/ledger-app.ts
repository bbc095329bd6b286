import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { LedgerConfig } from './config/ledger-config';
import { LedgerModule, type LedgerAppOverrides } from './ledger.module';
import { setUpOpenApi } from './ops/openapi';

export type { LedgerAppOverrides } from './ledger.module';

/**
 * Builds the service (not yet listening). Used by main.ts and by the end-to-end tests, which may override what the
 * code ships (e.g. deploy the next interaction projection version without a build of its own).
 */
export async function createLedgerApp(config: LedgerConfig, databaseUrl: string, overrides: LedgerAppOverrides = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(LedgerModule.forRoot(config, databaseUrl, overrides), {
    // Ingest reads its raw body itself (size limit, content types, NDJSON); other routes take no body.
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  setUpOpenApi(app);
  return app;
}
