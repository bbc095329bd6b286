import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { ProjectorService } from '../projector/projector.service';

@ApiTags('admin')
@Controller('v1/admin/projections')
export class ProjectionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly projector?: ProjectorService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Projections run by this instance: phase, checkpoint, throughput' })
  @ApiOkResponse({ description: '{head, items: [{name, version, phase, position, eventsApplied, eventsPerSecond, lastError}]}' })
  async list() {
    const head = await this.store.headPosition();
    return { head: head?.toString() ?? null, items: this.projector?.statuses() ?? [] };
  }
}
