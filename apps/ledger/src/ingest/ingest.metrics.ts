import { Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { MetricsRegistry } from '../ops/metrics.registry';

@Injectable()
export class IngestMetrics {
  readonly received: Counter<'source'>;
  readonly filtered: Counter;
  readonly duplicates: Counter;
  readonly appended: Counter;
  readonly rejected: Counter;

  constructor(metrics: MetricsRegistry) {
    const registers: Registry[] = [metrics.registry];
    this.received = new Counter({ name: 'ledger_ingest_received_total', help: 'Items received at ingest', labelNames: ['source'], registers });
    this.filtered = new Counter({ name: 'ledger_ingest_filtered_total', help: 'Items that are not events (heartbeats, system messages, topics outside INGEST_TOPICS)', registers });
    this.duplicates = new Counter({ name: 'ledger_ingest_duplicate_total', help: 'Events already stored', registers });
    this.appended = new Counter({ name: 'ledger_ingest_appended_total', help: 'Events committed to the store', registers });
    this.rejected = new Counter({ name: 'ledger_ingest_rejected_total', help: 'Items refused with a reason', registers });
  }
}
