import { Controller, Get, Header, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrorDto } from '../../shared/api-error.dto';
import { PHASES } from '../../shared/interaction-state.dto';
import { LIST_INTERACTIONS_DEFAULT_LIMIT, LIST_INTERACTIONS_MAX_LIMIT, parseListInteractionsParams } from './list-interactions.params';
import { ListInteractionsQuery } from './list-interactions.query';
import { InteractionPageDto } from './list-interactions.response';

const timestamp = { type: 'string', format: 'date-time' } as const;

@ApiTags('interactions')
@Controller('v1/interactions')
export class ListInteractionsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOperation({
    summary: 'List interactions, newest first',
    description:
      'Keyset-paginated: pages never repeat or skip an interaction while new data arrives. All filters combine with AND. ' +
      'With activeAt, only the interactions in progress at that instant are listed, each with its state at that instant.',
  })
  @ApiQuery({ name: 'from', required: false, schema: timestamp, example: '2025-04-10T00:00:00Z', description: 'started_at ≥ from (ISO 8601 with zone).' })
  @ApiQuery({ name: 'to', required: false, schema: timestamp, example: '2025-04-11T00:00:00Z', description: 'started_at < to; must be after from.' })
  @ApiQuery({ name: 'queueId', required: false, type: String, description: 'The interaction visited this queue.' })
  @ApiQuery({ name: 'userId', required: false, type: String, description: 'This user (agent) took part.' })
  @ApiQuery({ name: 'mediaType', required: false, type: String, example: 'voice', description: 'voice, chat, email, message, callback... (any case).' })
  @ApiQuery({ name: 'direction', required: false, type: String, example: 'inbound', description: 'inbound or outbound (any case).' })
  @ApiQuery({ name: 'phase', required: false, enum: PHASES, description: 'Current phase.' })
  @ApiQuery({ name: 'ani', required: false, type: String, example: 'tel:+13175550100', description: 'Exact; a bare number also matches its tel: form. Encode + as %2B.' })
  @ApiQuery({ name: 'dnis', required: false, type: String, example: 'tel:+18005550199', description: 'Exact; a bare number also matches its tel: form.' })
  @ApiQuery({ name: 'wrapupCode', required: false, type: String, description: 'One of the wrap-up codes applied.' })
  @ApiQuery({ name: 'disconnectType', required: false, type: String, example: 'peer', description: 'Analytics spelling; CONSULT_TRANSFER and transfer.consult are accepted too.' })
  @ApiQuery({ name: 'externalContactId', required: false, type: String })
  @ApiQuery({ name: 'activeAt', required: false, schema: timestamp, example: '2025-04-10T10:42:00Z', description: 'In progress at this instant: started ≤ activeAt < ended.' })
  @ApiQuery({
    name: 'limit', required: false,
    schema: { type: 'integer', minimum: 1, maximum: LIST_INTERACTIONS_MAX_LIMIT, default: LIST_INTERACTIONS_DEFAULT_LIMIT },
  })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page, unchanged.' })
  @ApiOkResponse({ type: InteractionPageDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'QUERY.INVALID_PARAMETER naming the parameter.' })
  list(@Query() query: Record<string, unknown>): Promise<string> {
    return this.queryBus.execute(new ListInteractionsQuery(parseListInteractionsParams(query)));
  }
}
