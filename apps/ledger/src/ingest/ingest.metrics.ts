import { Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { MetricsRegistry } from '../ops/metrics.registry';
import { IngestGate } from './ingest-gate';

@Injectable()
export class IngestMetrics {
  readonly received: Counter<'source'>;
  readonly filtered: Counter;
  readonly duplicates: Counter;
  readonly appended: Counter;
  readonly rejected: Counter;
  readonly shed: Counter;
  readonly unauthorized: Counter<'reason'>;

  constructor(metrics: MetricsRegistry, gate: IngestGate) {
    const registers: Registry[] = [metrics.registry];
    this.received = new Counter({ name: 'ledger_ingest_received_total', help: 'Items received at ingest', labelNames: ['source'], registers });
    this.filtered = new Counter({ name: 'ledger_ingest_filtered_total', help: 'Items that are not events (heartbeats, system messages, topics outside INGEST_TOPICS)', registers });
    this.duplicates = new Counter({ name: 'ledger_ingest_duplicate_total', help: 'Events already stored', registers });
    this.appended = new Counter({ name: 'ledger_ingest_appended_total', help: 'Events committed to the store', registers });
    this.rejected = new Counter({ name: 'ledger_ingest_rejected_total', help: 'Items refused with a reason', registers });
    this.shed = new Counter({ name: 'ledger_ingest_shed_total', help: 'Requests answered 503 because ingest was over its high watermark', registers });
    this.unauthorized = new Counter({ name: 'ledger_ingest_unauthorized_total', help: 'Requests refused by signature or API key checks', labelNames: ['reason'], registers });
    new Gauge({
      name: 'ledger_ingest_in_flight_events',
      help: 'Events waiting for their commit, and those of bodies admitted but not yet parsed, estimated from their size (the backpressure watermarks apply to this)',
      registers,
      collect() {
        this.set(gate.inFlightEvents);
      },
    });
    new Gauge({
      name: 'ledger_ingest_saturated',
      help: '1 while ingest is over its high watermark and not yet back at the low one',
      registers,
      collect() {
        this.set(gate.isSaturated ? 1 : 0);
      },
    });
  }
}
