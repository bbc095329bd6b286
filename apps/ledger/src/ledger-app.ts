import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { LedgerConfig } from './config/ledger-config';
import { LedgerModule } from './ledger.module';
import { setUpOpenApi } from './ops/openapi';

/** Builds the service (not yet listening). Used by main.ts and by the end-to-end tests. */
export async function createLedgerApp(config: LedgerConfig, databaseUrl: string): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(LedgerModule.forRoot(config, databaseUrl), {
    // Ingest reads its raw body itself (size limit, content types, NDJSON); other routes take no body.
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  setUpOpenApi(app);
  return app;
}
