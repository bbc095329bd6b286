import { Entity, PrimaryColumn } from 'typeorm';
import { QueueMetricColumns } from './queue-metric-columns';

/**
 * The `queue_contributions` view: what one interaction adds to one queue's 15-minute interval, kept so that a
 * re-folded interaction can take back its previous contribution. Durations in milliseconds (bigint, as strings).
 */
@Entity({ name: 'queue_contributions', synchronize: false })
export class QueueContributionView extends QueueMetricColumns {
  @PrimaryColumn('text', { name: 'conversation_id' })
  conversationId!: string;

  @PrimaryColumn('text', { name: 'queue_id' })
  queueId!: string;

  @PrimaryColumn('timestamptz', { name: 'interval_start' })
  intervalStart!: Date;
}
