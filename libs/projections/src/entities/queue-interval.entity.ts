import { Entity, PrimaryColumn } from 'typeorm';
import { QueueMetricColumns } from './queue-metric-columns';

/**
 * The `queue_intervals` view: per queue per 15-minute UTC interval, the sums of every interaction's contribution.
 * Counts are integers; durations are milliseconds (bigint, as strings).
 */
@Entity({ name: 'queue_intervals', synchronize: false })
export class QueueIntervalView extends QueueMetricColumns {
  @PrimaryColumn('text', { name: 'queue_id' })
  queueId!: string;

  /** Aligned on 15 minutes UTC. */
  @PrimaryColumn('timestamptz', { name: 'interval_start' })
  intervalStart!: Date;
}
