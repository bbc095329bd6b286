import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../../interactions/shared/api-error.dto';
import { GRANULARITIES, MAX_RANGE_DAYS, parseGetQueueStatsParams } from './get-queue-stats.params';
import { GetQueueStatsQuery } from './get-queue-stats.query';
import { QueueStatsDto, toQueueStatsDto } from './get-queue-stats.response';

@ApiTags('queues')
@Controller('v1/queues')
export class GetQueueStatsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/stats')
  @ApiOperation({
    summary: 'Interval metrics of one queue',
    description:
      'Sums of the 15-minute queue_intervals rows whose interval starts in [from, to), re-bucketed to the granularity ' +
      '(UTC boundaries). Shaped like Genesys analytics queue aggregates; durations in milliseconds.',
  })
  @ApiParam({ name: 'id', description: 'Genesys queue id.' })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date-time' }, example: '2025-04-10T00:00:00Z', description: 'Default: 24 h before to.' })
  @ApiQuery({
    name: 'to', required: false, schema: { type: 'string', format: 'date-time' }, example: '2025-04-11T00:00:00Z',
    description: `Default: now (or 24 h after from). After from, at most ${MAX_RANGE_DAYS} days later.`,
  })
  @ApiQuery({ name: 'granularity', required: false, enum: GRANULARITIES, description: 'Default PT30M.' })
  @ApiOkResponse({ type: QueueStatsDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'QUERY.INVALID_PARAMETER naming the parameter.' })
  async stats(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<QueueStatsDto> {
    const stats = await this.queryBus.execute(new GetQueueStatsQuery(id, parseGetQueueStatsParams(query, new Date())));
    return toQueueStatsDto(stats);
  }
}
