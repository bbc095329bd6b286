import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { DEFAULT_INTERACTION_PROJECTION, defineInteractionProjection, type InteractionProjectionDefinition } from '@ledger/projections';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { ConnectorModule } from './connector/connector.module';
import { LEDGER_CONFIG, type LedgerConfig } from './config/ledger-config';
import { DatabaseModule } from './database/database.module';
import { AdminModule } from './admin/admin.module';
import { IngestModule } from './ingest/ingest.module';
import { InteractionsModule } from './interactions/interactions.module';
import { OpsModule } from './ops/ops.module';
import { QueuesModule } from './queues/queues.module';
import { ProjectorModule } from './projector/projector.module';
import { INTERACTION_PROJECTION_DEFINITION } from './projector/projector.tokens';
import { DriftModule } from './drift/drift.module';

/** What a caller of createLedgerApp may put in place of what the code ships. */
export interface LedgerAppOverrides {
  /** Default: the shipped `DEFAULT_INTERACTION_PROJECTION`. */
  interactionProjection?: InteractionProjectionDefinition;
}

@Module({})
export class LedgerModule {
  static forRoot(config: LedgerConfig, databaseUrl: string, overrides: LedgerAppOverrides = {}): DynamicModule {
    const interactionProjection = overrides.interactionProjection
      ? defineInteractionProjection(overrides.interactionProjection)
      : DEFAULT_INTERACTION_PROJECTION;
    const api = config.roles.includes('api');
    return {
      module: LedgerModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Request logs at debug: ingest traffic would drown everything else at info.
            // 503 is backpressure (or a store outage, which the ingest service logs itself): not one error line per request.
            customLogLevel: (_request, response, error) =>
              response.statusCode === 503 ? 'debug' : error || response.statusCode >= 500 ? 'error' : 'debug',
            redact: ['req.headers.authorization', 'req.headers["x-ledger-signature"]', 'req.headers.cookie'],
            // Per-request loggers carry only the request id; the completion line still has the whole request.
            // Serialising (and redacting) every request up front cost ~5% of a query's CPU.
            quietReqLogger: true,
          },
        }),
        DatabaseModule.forRoot(databaseUrl),
        OpsModule,
        ...(config.roles.includes('projector') ? [ProjectorModule] : []),
        ...(config.roles.includes('connector') ? [ConnectorModule] : []),
        ...(api ? [IngestModule, AdminModule, InteractionsModule, QueuesModule] : []),
        // Schema-drift registry: the subscriber with role projector, GET /v1/admin/schema-drift with role api.
        DriftModule.forRoles(config.roles),
      ],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: INTERACTION_PROJECTION_DEFINITION, useValue: interactionProjection },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [LEDGER_CONFIG, INTERACTION_PROJECTION_DEFINITION],
    };
  }
}
