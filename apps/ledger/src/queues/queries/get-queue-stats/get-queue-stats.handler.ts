import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { GRANULARITY_INTERVAL } from './get-queue-stats.params';
import { GetQueueStatsQuery, type QueueStats, type QueueStatsBucket } from './get-queue-stats.query';

type BucketRow = { bucket: Date } & Record<Exclude<keyof QueueStatsBucket, 'intervalStart' | 'intervalEnd'>, number>;

/** Buckets align on UTC clock boundaries (midnight UTC for P1D), like the 15-minute rows they add up. */
const ORIGIN = '2000-01-01T00:00:00Z';

const SUM = (column: string, alias: string) => `coalesce(sum(${column}), 0)::float8 AS "${alias}"`;

@QueryHandler(GetQueueStatsQuery)
export class GetQueueStatsHandler implements IQueryHandler<GetQueueStatsQuery> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ queueId, params }: GetQueueStatsQuery): Promise<QueueStats> {
    const stride = GRANULARITY_INTERVAL[params.granularity];
    const rows = await this.dataSource.query<BucketRow[]>(
      `SELECT date_bin($2::interval, interval_start, $3::timestamptz) AS bucket,
              ${SUM('n_offered', 'nOffered')}, ${SUM('n_answered', 'nAnswered')}, ${SUM('n_abandoned', 'nAbandoned')},
              ${SUM('n_flow_out', 'nFlowOut')}, ${SUM('t_acd_sum', 'tAcdSum')}, coalesce(max(t_acd_max), 0)::float8 AS "tAcdMax",
              ${SUM('t_answered_sum', 'tAnsweredSum')}, ${SUM('t_talk_sum', 'tTalkSum')}, ${SUM('t_held_sum', 'tHeldSum')},
              ${SUM('t_acw_sum', 'tAcwSum')}, ${SUM('t_handle_sum', 'tHandleSum')}, ${SUM('n_answered_within_sl', 'nAnsweredWithinSl')}
         FROM queue_intervals
        WHERE queue_id = $1 AND interval_start >= $4::timestamptz AND interval_start < $5::timestamptz
        GROUP BY bucket ORDER BY bucket`,
      [queueId, stride.sql, ORIGIN, params.from, params.to],
    );
    return {
      queueId,
      from: params.from,
      to: params.to,
      granularity: params.granularity,
      buckets: rows.map(({ bucket, ...sums }) => ({
        intervalStart: bucket.toISOString(),
        intervalEnd: new Date(bucket.getTime() + stride.ms).toISOString(),
        ...sums,
      })),
    };
  }
}
