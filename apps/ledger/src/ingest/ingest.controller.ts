import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Inject } from '@nestjs/common';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { IngestService, type IngestResult } from './ingest.service';
import { readRawBody } from './read-raw-body';

@ApiTags('ingest')
@Controller('v1/ingest')
export class IngestController {
  constructor(
    private readonly ingestService: IngestService,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Post('genesys')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ingest Genesys Cloud events',
    description:
      'One notification message, one EventBridge event, a JSON array of them, or NDJSON (application/x-ndjson). ' +
      'Answers 202 only after the events are committed.',
  })
  @ApiAcceptedResponse({ description: '{accepted, duplicates, filtered, rejected: [{index, code, message}]}' })
  async ingestGenesys(@Req() request: Request): Promise<IngestResult> {
    const raw = await readRawBody(request, this.config.ingest.maxBodyBytes);
    return this.ingestService.ingest(raw, request.headers['content-type'], 'webhook');
  }
}
