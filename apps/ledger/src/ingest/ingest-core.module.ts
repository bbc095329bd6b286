import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { IngestGate } from './ingest-gate';
import { IngestMetrics } from './ingest.metrics';
import { IngestService } from './ingest.service';

/** The ingest pipeline without HTTP: shared by the webhook (role api) and the Notifications API consumer (role connector). */
@Module({
  providers: [IngestService, IngestMetrics, IngestGate],
  exports: [IngestService, IngestMetrics, IngestGate],
})
export class IngestCoreModule implements OnApplicationShutdown {
  constructor(private readonly ingest: IngestService) {}

  async onApplicationShutdown(): Promise<void> {
    await this.ingest.drain();
  }
}
