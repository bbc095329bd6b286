import { Module } from '@nestjs/common';
import { IngestCoreModule } from '../ingest/ingest-core.module';
import { ConnectorGapStore } from './connector-gap.store';
import { ConnectorController } from './connector.controller';
import { ConnectorService } from './connector.service';

/** Role `connector`: the Notifications API consumer and `GET /v1/admin/connector`. */
@Module({
  imports: [IngestCoreModule],
  controllers: [ConnectorController],
  providers: [ConnectorService, ConnectorGapStore],
})
export class ConnectorModule {}
