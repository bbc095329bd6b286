import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConnectorGapStore } from './connector-gap.store';
import { ConnectorService } from './connector.service';

@ApiTags('admin')
@Controller('v1/admin/connector')
export class ConnectorController {
  constructor(
    private readonly connector: ConnectorService,
    private readonly gaps: ConnectorGapStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Notifications API connector: state, channels, topics, reconnects and the recorded gaps' })
  @ApiOkResponse({
    description:
      '{state, channels: [{index, channelId, phase, topics, subscribed, rejected, expiresAt, reconnects, handovers, paused, ...}], ' +
      'topics: {requested, subscribed, rejected: [{topic, reason, missingPermissions}]}, reconnects, handovers, messagesReceived, ' +
      'token, api, gaps: {total, open, closedDurationMs, items: [{id, channelIndex, channelId, reason, startedAt, endedAt, durationMs}]}}',
  })
  async show() {
    const [totals, items] = await Promise.all([this.gaps.totals(), this.gaps.latest(100)]);
    return { ...this.connector.view(), gaps: { ...totals, items } };
  }
}
