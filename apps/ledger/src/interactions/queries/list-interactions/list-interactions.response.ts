import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InteractionMetricsDto, InteractionStateDto, PHASES } from '../../shared/interaction-state.dto';

export class InteractionListItemDto {
  @ApiProperty({ example: '2f7bf00a-0fc2-4d6a-9b56-92238191433e' }) conversationId!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'voice' }) mediaType!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'inbound' }) direction!: string | null;
  @ApiProperty({ enum: PHASES, nullable: true, description: 'Current phase (not the phase at activeAt: see state).' })
  phase!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'tel:+13175550100' }) ani!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'tel:+18005550199' }) dnis!: string | null;
  @ApiProperty({ type: [String] }) queueIds!: string[];
  @ApiProperty({ type: [String] }) userIds!: string[];
  @ApiProperty({ type: [String] }) wrapupCodes!: string[];
  @ApiProperty({ type: String, nullable: true, example: 'peer' }) disconnectType!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'ANSWERED' }) acdOutcome!: string | null;
  @ApiProperty() abandoned!: boolean;
  @ApiProperty({ description: 'Events applied to the current state.' }) eventCount!: number;
  @ApiProperty({ description: 'True while events of this interaction are parked as dead letters: the state may be missing them.' })
  stale!: boolean;
  @ApiProperty({ type: InteractionMetricsDto }) metrics!: InteractionMetricsDto;
  @ApiPropertyOptional({ type: InteractionStateDto, description: 'Only with activeAt: the state at that instant.' })
  state?: InteractionStateDto;
}

export class InteractionPageDto {
  @ApiProperty({ type: [InteractionListItemDto] }) items!: InteractionListItemDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor!: string | null;
}
