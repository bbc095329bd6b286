import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { IngestController } from './ingest.controller';
import { IngestMetrics } from './ingest.metrics';
import { IngestService } from './ingest.service';

@Module({
  controllers: [IngestController],
  providers: [IngestService, IngestMetrics],
  exports: [IngestService],
})
export class IngestModule implements OnApplicationShutdown {
  constructor(private readonly ingest: IngestService) {}

  async onApplicationShutdown(): Promise<void> {
    await this.ingest.drain();
  }
}
