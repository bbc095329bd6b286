import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { DEFAULT_INTERACTION_PROJECTION, defineInteractionProjection, type InteractionProjectionDefinition } from '@ledger/projections';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { createLedgerLogger, LEDGER_LOGGER } from './common/request-log';
import { RequestsInFlight } from './common/requests-in-flight';
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
    const logger = createLedgerLogger(config.logLevel);
    return {
      module: LedgerModule,
      global: true,
      imports: [
        // Nest's Logger writes to the service's pino logger. No route gets nestjs-pino's request middleware: request
        // lines come from a Fastify hook (common/request-log.ts), at a fraction of the cost.
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
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
        { provide: LEDGER_LOGGER, useValue: logger },
        { provide: INTERACTION_PROJECTION_DEFINITION, useValue: interactionProjection },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        RequestsInFlight,
      ],
      exports: [LEDGER_CONFIG, LEDGER_LOGGER, INTERACTION_PROJECTION_DEFINITION, RequestsInFlight],
    };
  }
}
