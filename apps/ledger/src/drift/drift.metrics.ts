import { Injectable } from '@nestjs/common';
import { DRIFT_KINDS, type DriftKind } from '@ledger/domain';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '../ops/metrics.registry';

@Injectable()
export class DriftMetrics {
  /** Occurrences: an event carrying two new fields counts two `new_field`. */
  readonly drift: Counter<'kind'>;

  constructor(metrics: MetricsRegistry) {
    this.drift = new Counter({
      name: 'ledger_schema_drift_total',
      help: 'Fields of stored events that differ from the Genesys baseline (new_field, type_change, unknown_enum_value)',
      labelNames: ['kind'],
      registers: [metrics.registry],
    });
    // Every kind is exported from the start, so a rate() over it never starts from a missing series.
    for (const kind of DRIFT_KINDS) this.drift.inc({ kind }, 0);
  }

  record(counts: Readonly<Record<DriftKind, number>>): void {
    for (const kind of DRIFT_KINDS) if (counts[kind] > 0) this.drift.inc({ kind }, counts[kind]);
  }
}
