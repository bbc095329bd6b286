import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DETAIL_EVENT_BASELINE_SOURCE, DRIFT_KINDS } from '@ledger/domain';
import type { DataSource } from 'typeorm';
import { ApiErrorDto } from '../interactions/shared/api-error.dto';
import { MAX_DRIFT_ROWS, parseSchemaDriftParams } from './schema-drift.params';
import { readSchemaDrift } from './schema-drift.query';
import { SchemaDriftReportDto } from './schema-drift.response';

@ApiTags('admin')
@Controller('v1/admin/schema-drift')
export class SchemaDriftController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({
    summary: 'Fields of stored events that differ from the Genesys baseline',
    description:
      'Per event type and topic version: new fields, type changes and unknown enum values, with first/last seen, ' +
      'occurrences and a sample event id. Kept by a subscriber over the store (role projector), so it trails ingest by a moment.',
  })
  @ApiQuery({ name: 'eventType', required: false, example: 'v2.detail.events.conversation.{id}.acd.end' })
  @ApiQuery({ name: 'kind', required: false, enum: DRIFT_KINDS })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_DRIFT_ROWS, default: 1000 } })
  @ApiOkResponse({ type: SchemaDriftReportDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'QUERY.INVALID_PARAMETER naming the parameter.' })
  report(@Query() query: Record<string, unknown>): Promise<SchemaDriftReportDto> {
    return readSchemaDrift(this.dataSource, parseSchemaDriftParams(query), DETAIL_EVENT_BASELINE_SOURCE);
  }
}
