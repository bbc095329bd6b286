import { Module, type DynamicModule } from '@nestjs/common';
import type { LedgerRole } from '../config/ledger-config';
import { DriftMetrics } from './drift.metrics';
import { DriftSubscriberService } from './drift-subscriber.service';
import { SchemaDriftController } from './schema-drift.controller';

/**
 * The schema-drift registry: with role `projector`, the subscriber that fingerprints stored events into
 * `schema_fields`; with role `api`, `GET /v1/admin/schema-drift` reading it.
 */
@Module({})
export class DriftModule {
  static forRoles(roles: readonly LedgerRole[]): DynamicModule {
    const subscriber = roles.includes('projector');
    return {
      module: DriftModule,
      controllers: roles.includes('api') ? [SchemaDriftController] : [],
      providers: subscriber ? [DriftMetrics, DriftSubscriberService] : [],
    };
  }
}
