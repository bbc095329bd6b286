import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../../interactions/shared/api-error.dto';
import { parseGetQueueSnapshotParams } from './get-queue-snapshot.params';
import { GetQueueSnapshotQuery } from './get-queue-snapshot.query';
import { QueueSnapshotDto } from './get-queue-snapshot.response';

@ApiTags('queues')
@Controller('v1/queues')
export class GetQueueSnapshotController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/snapshot')
  @ApiOperation({
    summary: 'What a queue looked like at an instant',
    description:
      'Waiting, alerting, connected and wrap-up counts and the longest wait at `at`: the segments of every interaction in ' +
      'the queue and in progress at `at`, read as of `at` (with hindsight: after-call work is known once it ends).',
  })
  @ApiParam({ name: 'id', description: 'Genesys queue id.' })
  @ApiQuery({ name: 'at', required: false, schema: { type: 'string', format: 'date-time' }, example: '2025-04-10T10:42:00Z', description: 'Default: now.' })
  @ApiOkResponse({ type: QueueSnapshotDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'QUERY.INVALID_PARAMETER naming the parameter.' })
  snapshot(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<QueueSnapshotDto> {
    return this.queryBus.execute(new GetQueueSnapshotQuery(id, parseGetQueueSnapshotParams(query, new Date())));
  }
}
