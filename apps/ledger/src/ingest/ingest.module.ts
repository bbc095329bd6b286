import { Module } from '@nestjs/common';
import { IngestCoreModule } from './ingest-core.module';
import { IngestController } from './ingest.controller';
import { WebhookAuth } from './webhook-auth';

/** `POST /v1/ingest/genesys` (role api). */
@Module({
  imports: [IngestCoreModule],
  controllers: [IngestController],
  providers: [WebhookAuth],
})
export class IngestModule {}
