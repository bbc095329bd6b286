import { Query } from '@nestjs/cqrs';
import type { GetQueueStatsParams } from './get-queue-stats.params';

/** One bucket of a queue's interval metrics (sums over its 15-minute rows); durations in milliseconds. */
export interface QueueStatsBucket {
  intervalStart: string;
  intervalEnd: string;
  nOffered: number;
  nAnswered: number;
  nAbandoned: number;
  nFlowOut: number;
  tAcdSum: number;
  tAcdMax: number;
  tAnsweredSum: number;
  tTalkSum: number;
  tHeldSum: number;
  tAcwSum: number;
  tHandleSum: number;
  nAnsweredWithinSl: number;
}

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
