import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { QueueStats, QueueStatsBucket } from './get-queue-stats.query';

/** Response shaped like Genesys' `POST /api/v2/analytics/queues/aggregates/query`, so existing tooling can read it. */

export const QUEUE_METRICS = [
  'nOffered', 'nAnswered', 'nAbandoned', 'nFlowOut', 'tAcd', 'tAnswered', 'tTalk', 'tHeld', 'tAcw', 'tHandle', 'nAnsweredWithinSl', 'oServiceLevel',
] as const;

export class MetricStatsDto {
  @ApiPropertyOptional() count?: number;
  @ApiPropertyOptional({ description: 'Milliseconds for t* metrics.' }) sum?: number;
  @ApiPropertyOptional({ description: 'Milliseconds.' }) max?: number;
  @ApiPropertyOptional({ description: 'oServiceLevel: numerator / denominator.' }) ratio?: number;
  @ApiPropertyOptional() numerator?: number;
  @ApiPropertyOptional() denominator?: number;
}

export class MetricDto {
  @ApiProperty({ enum: QUEUE_METRICS }) metric!: (typeof QUEUE_METRICS)[number];
  @ApiProperty({ type: MetricStatsDto }) stats!: MetricStatsDto;
}

export class IntervalDataDto {
  @ApiProperty({ example: '2025-04-10T10:00:00.000Z/2025-04-10T10:30:00.000Z', description: 'ISO 8601 interval, start/end.' })
  interval!: string;
  @ApiProperty({ type: [MetricDto] }) metrics!: MetricDto[];
}

export class QueueGroupDto {
  @ApiProperty() queueId!: string;
}

export class QueueStatsResultDto {
  @ApiProperty({ type: QueueGroupDto }) group!: QueueGroupDto;
  @ApiProperty({ type: [IntervalDataDto], description: 'Intervals with data only, oldest first.' }) data!: IntervalDataDto[];
}

export class QueueStatsDto {
  @ApiProperty({ example: '2025-04-10T00:00:00.000Z/2025-04-11T00:00:00.000Z', description: 'The range asked for, from/to.' })
  interval!: string;
  @ApiProperty({ example: 'PT30M' }) granularity!: string;
  @ApiProperty({ type: [QueueStatsResultDto] }) results!: QueueStatsResultDto[];
}

function metricsOf(b: QueueStatsBucket): MetricDto[] {
  const metrics: MetricDto[] = [
    { metric: 'nOffered', stats: { count: b.nOffered } },
    { metric: 'nAnswered', stats: { count: b.nAnswered } },
    { metric: 'nAbandoned', stats: { count: b.nAbandoned } },
    { metric: 'nFlowOut', stats: { count: b.nFlowOut } },
    // Every queue wait that ended counts toward tAcd, whatever its outcome.
    { metric: 'tAcd', stats: { count: b.nAnswered + b.nAbandoned + b.nFlowOut, sum: b.tAcdSum, max: b.tAcdMax } },
    { metric: 'tAnswered', stats: { count: b.nAnswered, sum: b.tAnsweredSum } },
    { metric: 'tTalk', stats: { sum: b.tTalkSum } },
    { metric: 'tHeld', stats: { sum: b.tHeldSum } },
    { metric: 'tAcw', stats: { sum: b.tAcwSum } },
    { metric: 'tHandle', stats: { sum: b.tHandleSum } },
    { metric: 'nAnsweredWithinSl', stats: { count: b.nAnsweredWithinSl } },
  ];
  // As Genesys' default: answered within the threshold over answered plus abandoned; absent when both are zero.
  const denominator = b.nAnswered + b.nAbandoned;
  if (denominator > 0) {
    metrics.push({ metric: 'oServiceLevel', stats: { ratio: b.nAnsweredWithinSl / denominator, numerator: b.nAnsweredWithinSl, denominator } });
  }
  return metrics;
}

export function toQueueStatsDto(stats: QueueStats): QueueStatsDto {
  return {
    interval: `${stats.from}/${stats.to}`,
    granularity: stats.granularity,
    results: [
      {
        group: { queueId: stats.queueId },
        data: stats.buckets.map((bucket) => ({ interval: `${bucket.intervalStart}/${bucket.intervalEnd}`, metrics: metricsOf(bucket) })),
      },
    ],
  };
}
