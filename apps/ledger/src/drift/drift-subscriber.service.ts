import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { detailEventBaseline } from '@ledger/domain';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { LEDGER_DATABASE_URL } from '../database/database.tokens';
import { DriftMetrics } from './drift.metrics';
import { SchemaDriftSubscriber } from './schema-drift-subscriber';

/** Runs the schema-drift subscriber inside the service (role `projector`). */
@Injectable()
export class DriftSubscriberService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('schema-drift');
  private readonly subscriber: SchemaDriftSubscriber;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(LEDGER_DATABASE_URL) databaseUrl: string, metrics: DriftMetrics) {
    this.subscriber = new SchemaDriftSubscriber(store, {
      connectionString: databaseUrl,
      baseline: detailEventBaseline(),
      onCommitted: (counts, newRows) => {
        metrics.record(counts);
        for (const row of newRows) {
          if (row.kind === 'baseline') continue;
          // Values of unknown enums are Genesys vocabulary, never customer data; field values are not logged.
          this.logger.warn(
            { eventType: row.eventType, topicVersion: row.topicVersion, path: row.path, kind: row.kind, sampleEventId: row.sampleEventId, ...(row.value ? { value: row.value } : {}) },
            'schema drift: first sighting',
          );
        }
      },
      onError: (error) => this.logger.error({ err: error }, 'schema-drift subscriber: an event or batch failed (batches retry from the last checkpoint)'),
    });
  }

  onApplicationBootstrap(): void {
    this.subscriber.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.stop();
  }

  status(): ReturnType<SchemaDriftSubscriber['status']> {
    return this.subscriber.status();
  }
}
