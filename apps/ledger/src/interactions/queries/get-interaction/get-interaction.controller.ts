import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../shared/api-error.dto';
import { interactionNotFound } from '../../shared/interaction-not-found';
import { parseGetInteractionParams } from './get-interaction.params';
import { GetInteractionQuery } from './get-interaction.query';
import { InteractionDetailDto } from './get-interaction.response';

@ApiTags('interactions')
@Controller('v1/interactions')
export class GetInteractionController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'The current state of one interaction', description: 'From the interactions read model.' })
  @ApiParam({ name: 'id', description: 'Genesys conversation id.', example: '2f7bf00a-0fc2-4d6a-9b56-92238191433e' })
  @ApiOkResponse({ type: InteractionDetailDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'QUERY.INVALID_PARAMETER: this endpoint takes no query parameters.' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'INTERACTION.NOT_FOUND' })
  async get(@Param('id') id: string, @Query() query: Record<string, unknown>): Promise<string> {
    parseGetInteractionParams(query);
    const detail = await this.queryBus.execute(new GetInteractionQuery(id));
    if (detail === null) throw interactionNotFound(id);
    const { stateJson, ...fields } = detail;
    // An InteractionDetailDto written out by hand around the stored state: parsing and re-serialising a few KB of
    // state was most of this endpoint's CPU.
    return `${JSON.stringify(fields).slice(0, -1)},"state":${stateJson}}`;
  }
}
