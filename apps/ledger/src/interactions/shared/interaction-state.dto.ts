import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * OpenAPI description of `InteractionState` (libs/domain): the documentation of the jsonb `state`. Genesys adds
 * enum values without notice, so enums are documented as examples, not closed lists.
 */

export const PHASES = ['ivr', 'queued', 'alerting', 'connected', 'held', 'wrapup', 'ended'] as const;

export class InteractionMetricsDto {
  @ApiProperty({ description: 'IVR time, ms.', example: 20000 }) tIvr!: number;
  @ApiProperty({ description: 'Time waiting in queue, ms.', example: 45000 }) tAcd!: number;
  @ApiProperty({ description: 'Time alerting agents, ms.', example: 8000 }) tAlert!: number;
  @ApiProperty({ description: 'Talk time (interacting, excluding hold), ms.', example: 240000 }) tTalk!: number;
  @ApiProperty({ description: 'Hold time, ms.', example: 30000 }) tHeld!: number;
  @ApiProperty({ description: 'After-call work, ms.', example: 60000 }) tAcw!: number;
  @ApiProperty({ description: 'tTalk + tHeld + tAcw, ms.', example: 330000 }) tHandle!: number;
  @ApiProperty({ example: 0 }) nTransferred!: number;
  @ApiProperty({ example: false }) abandoned!: boolean;
}

export class InteractionSegmentDto {
  @ApiProperty({ enum: ['ivr', 'queue', 'alert', 'interact', 'hold', 'wrapup'] }) segmentType!: string;
  @ApiProperty({ format: 'date-time' }) segmentStart!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Null while the segment is open.' })
  segmentEnd!: string | null;
  @ApiPropertyOptional() queueId?: string;
  @ApiPropertyOptional() userId?: string;
  @ApiPropertyOptional({ example: 'consultTransfer' }) disconnectType?: string;
  @ApiPropertyOptional() wrapUpCode?: string;
  @ApiPropertyOptional({ example: 'ANSWERED', description: 'Queue segments: ANSWERED, ABANDON, FLOW_OUT...' }) acdOutcome?: string;
  @ApiPropertyOptional() answeredUserId?: string;
}

export class ReportedDurationsDto {
  @ApiPropertyOptional() interactingMs?: number;
  @ApiPropertyOptional() heldMs?: number;
  @ApiPropertyOptional() alertingMs?: number;
}

export class InteractionParticipantDto {
  @ApiProperty() participantId!: string;
  @ApiProperty({ example: 'agent', description: 'customer, external, ivr, acd, agent, user, voicemail...' }) purpose!: string;
  @ApiPropertyOptional() userId?: string;
  @ApiPropertyOptional() queueId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) endedAt?: string;
  @ApiPropertyOptional({ type: ReportedDurationsDto }) reported?: ReportedDurationsDto;
  @ApiProperty({ type: [InteractionSegmentDto] }) segments!: InteractionSegmentDto[];
}

export class InteractionStateDto {
  @ApiProperty() conversationId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'voice' }) mediaType!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'inbound' }) direction!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'tel:+13175550100' }) ani!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'tel:+18005550199' }) dnis!: string | null;
  @ApiProperty({ type: [String] }) externalContactIds!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty({ enum: PHASES, nullable: true }) phase!: string | null;
  @ApiProperty({ type: [String] }) queueIds!: string[];
  @ApiProperty({ type: [String] }) userIds!: string[];
  @ApiProperty({ type: [InteractionParticipantDto] }) participants!: InteractionParticipantDto[];
  @ApiProperty({ type: String, nullable: true, example: 'ANSWERED' }) acdOutcome!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'peer' }) disconnectType!: string | null;
  @ApiProperty({ type: [String] }) wrapupCodes!: string[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) attributes!: Record<string, string>;
  @ApiProperty({ type: InteractionMetricsDto }) metrics!: InteractionMetricsDto;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastEventTime!: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { sentimentScore: 0.4 },
    description: 'Values the serving projection version adds beyond the shipped fold, by fold extension name; absent when none.',
  })
  extensions?: Record<string, unknown>;
}
