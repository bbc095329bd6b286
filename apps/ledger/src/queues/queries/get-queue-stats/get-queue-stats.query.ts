import { Query } from '@nestjs/cqrs';
import type { QueueContribution } from '@ledger/domain';
import type { GetQueueStatsParams } from './get-queue-stats.params';

/** One bucket of a queue's interval metrics: the domain's queue contributions summed (tAcdMax: their maximum). */
export type QueueStatsBucket = Omit<QueueContribution, 'queueId'> & { intervalEnd: string };

export interface QueueStats {
  queueId: string;
  from: string;
  to: string;
  granularity: string;
  /** Buckets with data only, oldest first. */
  buckets: QueueStatsBucket[];
}

export class GetQueueStatsQuery extends Query<QueueStats> {
  constructor(
    readonly queueId: string,
    readonly params: GetQueueStatsParams,
  ) {
    super();
  }
}
