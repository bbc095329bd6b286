import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../shared/api-error.dto';
import { interactionNotFound } from '../../shared/interaction-not-found';
import { EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT, parseListInteractionEventsParams } from './list-interaction-events.params';
import { ListInteractionEventsQuery } from './list-interaction-events.query';
import { TimelinePageDto } from './list-interaction-events.response';

@ApiTags('interactions')
@Controller('v1/interactions')
export class ListInteractionEventsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/events')
  @ApiOperation({
    summary: 'The timeline of one interaction',
    description: 'Every event, in (eventTime, eventId) order (events without a business time first), keyset-paginated.',
  })
  @ApiParam({ name: 'id', description: 'Genesys conversation id.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: EVENTS_MAX_LIMIT, default: EVENTS_DEFAULT_LIMIT } })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page, unchanged.' })
  @ApiOkResponse({ type: TimelinePageDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'QUERY.INVALID_PARAMETER naming the parameter.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'INTERACTION.NOT_FOUND' })
  async list(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<TimelinePageDto> {
    const page = await this.queryBus.execute(new ListInteractionEventsQuery(id, parseListInteractionEventsParams(query)));
    if (page === null) throw interactionNotFound(id);
    return page;
  }
}
