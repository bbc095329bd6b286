import { Controller, Get, HttpCode, Inject, Optional, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { RebuildConflictError, requestRebuild, type InteractionProjectionDefinition, type RebuildRow } from '@ledger/projections';
import type { QueryResult } from 'pg';
import { ApiError } from '../common/api-error';
import { ProjectorService } from '../projector/projector.service';
import { INTERACTION_PROJECTION_DEFINITION } from '../projector/projector.tokens';
import { AdminDatabase } from './admin-database';
import { rollbackProjection } from './rollback-projection';

const PROJECTIONS = ['interactions'];

type Query = (sql: string, params?: unknown[]) => Promise<QueryResult>;

@ApiTags('admin')
@Controller('v1/admin/projections')
export class ProjectionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly database: AdminDatabase,
    @Inject(INTERACTION_PROJECTION_DEFINITION) private readonly definition: InteractionProjectionDefinition,
    @Optional() private readonly projector?: ProjectorService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Projections: active version, phase, checkpoint, throughput, and the latest rebuild with its progress' })
  @ApiOkResponse({
    description:
      '{head, items: [{name, version, codeVersion, phase, position, eventsApplied, eventsParked, eventsPerSecond, batchSize, lastError, previousVersion, rebuild}]}',
  })
  async list() {
    const head = await this.store.headPosition();
    // One snapshot for every read: a swap commits the version and the rebuild's `done` together, and so they show.
    const client = await this.database.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const db = (sql: string, params: unknown[] = []) => client.query(sql, params);
      const versions = await db('SELECT projection, active_version, active_code_version, previous_version FROM projection_versions ORDER BY projection');
      const items = [];
      for (const row of versions.rows as { projection: string; active_version: number; active_code_version: number; previous_version: number | null }[]) {
        const checkpoint = await this.checkpoint(db, row.projection, row.active_version);
        const running = this.projector?.statuses().get(row.active_version);
        const latest = (await db('SELECT * FROM projection_rebuilds WHERE projection = $1 ORDER BY id DESC LIMIT 1', [row.projection])).rows[0] as
          | RebuildRow
          | undefined;
        items.push({
          name: row.projection,
          version: row.active_version,
          codeVersion: row.active_code_version,
          // Without a projector in this instance, report what the database says.
          phase: running?.phase ?? 'elsewhere',
          position: running?.position ?? checkpoint?.position ?? null,
          eventsApplied: running?.eventsApplied ?? Number(checkpoint?.events_applied ?? 0),
          eventsParked: running?.eventsParked ?? 0,
          eventsPerSecond: running?.eventsPerSecond ?? 0,
          // Most events per catch-up transaction (PROJECTOR_BATCH_SIZE); null without a projector here.
          batchSize: running?.batchSize ?? null,
          lastError: running?.lastError ?? null,
          previousVersion: row.previous_version,
          rebuild: latest ? await this.rebuildView(db, latest) : null,
        });
      }
      await client.query('COMMIT');
      return { head: head?.toString() ?? null, items };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiParam({ name: 'name', example: 'interactions' })
  @ApiOperation({ summary: 'Start a blue-green rebuild: the next version fills from position 0 while the active one serves' })
  @ApiAcceptedResponse({ description: 'the rebuild, as in GET items[].rebuild; 404 unknown projection; 409 one is running' })
  async rebuild(@Param('name') name: string) {
    this.known(name);
    try {
      const rebuild = await requestRebuild(this.database.pool, name, this.definition.version, 'requested through the API');
      return await this.rebuildView((sql, params) => this.database.pool.query(sql, params), rebuild);
    } catch (error) {
      if (error instanceof RebuildConflictError) throw new ApiError(409, 'PROJECTION.REBUILD_RUNNING', error.message, { projection: name });
      throw error;
    }
  }

  @Post(':name/rollback')
  @HttpCode(200)
  @ApiParam({ name: 'name', example: 'interactions' })
  @ApiOperation({ summary: 'Serve the previous version again (kept, and kept current, for a grace period after a swap)' })
  async rollback(@Param('name') name: string) {
    this.known(name);
    return rollbackProjection(this.database.pool, name);
  }

  private known(name: string): void {
    if (!PROJECTIONS.includes(name)) {
      throw new ApiError(404, 'PROJECTION.NOT_FOUND', `no projection named ${name}; known: ${PROJECTIONS.join(', ')}`, { projection: name });
    }
  }

  private async checkpoint(db: Query, projection: string, version: number) {
    const result = await db('SELECT position, events_applied FROM projection_checkpoints WHERE projection = $1 AND version = $2', [projection, version]);
    return (result.rows[0] as { position: string; events_applied: string } | undefined) ?? null;
  }

  private async rebuildView(db: Query, row: RebuildRow) {
    const checkpoint = await this.checkpoint(db, row.projection, row.target_version);
    const done = Number(checkpoint?.events_applied ?? 0);
    const total = Number(row.events_total ?? 0);
    const seconds = Math.max(0.001, ((row.finished_at ?? new Date()).getTime() - row.started_at.getTime()) / 1000);
    const rate = done / seconds;
    const deadLetters = await db("SELECT count(*)::int AS n FROM dead_letters WHERE projection = $1 AND version = $2 AND status = 'parked'", [
      row.projection,
      row.target_version,
    ]);
    return {
      id: row.id,
      targetVersion: row.target_version,
      codeVersion: row.code_version,
      phase: row.phase,
      reason: row.reason,
      eventsDone: done,
      eventsTotal: total,
      eventsPerSecond: Math.round(rate),
      etaSeconds: row.finished_at || rate === 0 ? null : Math.max(0, Math.round((total - done) / rate)),
      deadLetters: (deadLetters.rows[0] as { n: number } | undefined)?.n ?? 0,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
      error: row.error,
    };
  }
}
