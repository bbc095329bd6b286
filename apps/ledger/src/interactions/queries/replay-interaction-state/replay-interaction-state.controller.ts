import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../shared/api-error.dto';
import { interactionNotFound } from '../../shared/interaction-not-found';
import { parseReplayInteractionStateParams } from './replay-interaction-state.params';
import { ReplayInteractionStateQuery } from './replay-interaction-state.query';
import { ReplayedStateDto } from './replay-interaction-state.response';

@ApiTags('interactions')
@Controller('v1/interactions')
export class ReplayInteractionStateController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id/state')
  @ApiOperation({
    summary: 'Replay one interaction to a past instant',
    description:
      'Folds the events from the event store (not the read model) whose eventTime ≤ at (receivedAt when an event has no ' +
      'eventTime) and whose receivedAt ≤ knownAt. knownAt answers "what did we know then", leaving out late arrivals.',
  })
  @ApiParam({ name: 'id', description: 'Genesys conversation id.' })
  @ApiQuery({ name: 'at', required: false, schema: { type: 'string', format: 'date-time' }, example: '2025-04-10T10:42:00Z', description: 'Default: now.' })
  @ApiQuery({ name: 'knownAt', required: false, schema: { type: 'string', format: 'date-time' }, example: '2025-04-10T10:45:00Z', description: 'Default: now.' })
  @ApiOkResponse({ type: ReplayedStateDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'QUERY.INVALID_PARAMETER naming the parameter.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'INTERACTION.NOT_FOUND: the event store has no events for it.' })
  async replay(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<ReplayedStateDto> {
    const replayed = await this.queryBus.execute(new ReplayInteractionStateQuery(id, parseReplayInteractionStateParams(query, new Date())));
    if (replayed === null) throw interactionNotFound(id);
    return replayed;
  }
}
