import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  INTERACTIONS_PROJECTION,
  extensionsFor,
  interactionTables,
  physicalCodeVersion,
  retryDeadLetter,
  type DeadLetterRow,
  type InteractionProjectionDefinition,
} from '@ledger/projections';
import { ApiError } from '../common/api-error';
import { INTERACTION_PROJECTION_DEFINITION } from '../projector/projector.tokens';
import { AdminDatabase } from './admin-database';

@ApiTags('admin')
@Controller('v1/admin/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly database: AdminDatabase,
    @Inject(INTERACTION_PROJECTION_DEFINITION) private readonly definition: InteractionProjectionDefinition,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Events a projection could not apply, and those parked behind them' })
  @ApiQuery({ name: 'status', required: false, enum: ['parked', 'resolved'], description: 'default parked' })
  @ApiOkResponse({ description: '{items: [{id, projection, version, eventId, streamId, conversationId, position, eventType, error, attempts, status, blockedBy, parkedAt, resolvedAt}]}' })
  async list(@Query('status') status = 'parked') {
    if (status !== 'parked' && status !== 'resolved') {
      throw new ApiError(400, 'QUERY.INVALID_PARAMETER', 'query parameter "status" must be parked or resolved', { parameter: 'status' });
    }
    const rows = await this.database.pool.query<DeadLetterRow>('SELECT * FROM dead_letters WHERE status = $1 ORDER BY id LIMIT 500', [status]);
    return {
      items: rows.rows.map((row) => ({
        id: row.id,
        projection: row.projection,
        version: row.version,
        eventId: row.event_id,
        streamId: row.stream_id,
        conversationId: row.conversation_id,
        position: row.position,
        eventType: row.event_type,
        error: row.error,
        attempts: row.attempts,
        status: row.status,
        blockedBy: row.blocked_by,
        parkedAt: row.parked_at.toISOString(),
        resolvedAt: row.resolved_at?.toISOString() ?? null,
      })),
    };
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiParam({ name: 'id', description: 'dead letter id' })
  @ApiOperation({ summary: "Replay the conversation's parked events in order; they stay parked (attempt counted) if the cause persists" })
  async retry(@Param('id') id: string) {
    if (!/^\d{1,18}$/.test(id)) throw new ApiError(400, 'QUERY.INVALID_PARAMETER', 'path parameter "id" must be a dead letter id (an integer)', { parameter: 'id' });
    // Folded as the parked events' version folds them: with the extensions of the code that built it.
    const targetFor = async (version: number) => ({
      ...INTERACTIONS_PROJECTION,
      version,
      tables: interactionTables(version),
      extensions: extensionsFor(this.definition, await physicalCodeVersion(this.database.pool, 'interactions', version)),
    });
    const outcome = await retryDeadLetter(this.database.pool, targetFor, id);
    if (outcome.outcome === 'not-found') throw new ApiError(404, 'DEAD_LETTER.NOT_FOUND', `no dead letter ${id}`, { id });
    return outcome;
  }
}
