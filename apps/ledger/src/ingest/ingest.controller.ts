import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { IngestGate } from './ingest-gate';
import { IngestMetrics } from './ingest.metrics';
import { IngestService, type IngestResult } from './ingest.service';
import { readRawBody } from './read-raw-body';
import { WebhookAuth } from './webhook-auth';

@ApiTags('ingest')
@Controller('v1/ingest')
export class IngestController {
  constructor(
    private readonly ingestService: IngestService,
    private readonly auth: WebhookAuth,
    private readonly gate: IngestGate,
    private readonly metrics: IngestMetrics,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Post('genesys')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ingest Genesys Cloud events',
    description:
      'One notification message, one EventBridge event, a JSON array of them, or NDJSON (application/x-ndjson). ' +
      'Answers 202 only after the events are committed; 503 with Retry-After while ingest is saturated. With ' +
      'WEBHOOK_SECRET set, X-Ledger-Signature is required unless a LEDGER_API_KEYS bearer key with scope ingest is sent.',
  })
  @ApiHeader({ name: 'X-Ledger-Signature', required: false, description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">' })
  @ApiAcceptedResponse({ description: '{accepted, duplicates, filtered, rejected: [{index, code, message}]}' })
  async ingestGenesys(@Req() request: FastifyRequest): Promise<IngestResult> {
    const authorisation = this.countRefusal(() => this.auth.authorise(request.headers));
    if (this.gate.isSaturated) {
      // Refused before the body is read: a saturated ledger spends nothing on what it will not keep.
      this.metrics.shed.inc();
      const retryAfter = this.config.backpressure.retryAfterSeconds;
      throw new ApiError(
        503,
        'INGEST.SATURATED',
        `ingest is over its high watermark (${this.gate.highWatermark} events in flight); retry after ${retryAfter} s`,
        { inFlight: this.gate.inFlightEvents, highWatermark: this.gate.highWatermark, lowWatermark: this.gate.lowWatermark },
        { 'retry-after': String(retryAfter) },
      );
    }
    // Counted from here, not once parsed: bodies admitted together while the CPU is busy could otherwise carry the
    // count far past the watermark before the first of them is parsed.
    const maxBodyBytes = this.config.ingest.maxBodyBytes;
    const declared = request.headers['content-length'] === undefined ? undefined : Math.min(Number(request.headers['content-length']), maxBodyBytes);
    const admission = this.gate.admitBody(declared);
    try {
      const raw = await readRawBody(request.raw, maxBodyBytes);
      if (authorisation.kind === 'signature-required') this.countRefusal(() => this.auth.verifySignature(request.headers, raw));
      return await this.ingestService.ingest(raw.toString('utf8'), request.headers['content-type'], 'webhook', admission);
    } finally {
      this.gate.cancelBody(admission);
    }
  }

  private countRefusal<T>(check: () => T): T {
    try {
      return check();
    } catch (error) {
      if (error instanceof ApiError) this.metrics.unauthorized.inc({ reason: error.code });
      throw error;
    }
  }
}
