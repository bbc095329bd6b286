import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class QueueSnapshotEntryDto {
  @ApiProperty() conversationId!: string;
  @ApiProperty({ enum: ['waiting', 'alerting', 'connected', 'wrapup'] }) role!: string;
  @ApiProperty({ format: 'date-time', description: 'Since when it has played this role (waiting: start of the wait).' }) since!: string;
  @ApiPropertyOptional({ description: 'The agent, for alerting, connected and wrapup.' }) userId?: string;
}

export class QueueSnapshotDto {
  @ApiProperty() queueId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'In queue, not being offered to an agent.' }) waiting!: number;
  @ApiProperty({ description: 'Being offered to an agent.' }) alerting!: number;
  @ApiProperty({ description: 'Connected to an agent (hold included).' }) connected!: number;
  @ApiProperty({ description: 'In after-call work.' }) wrapup!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Longest current wait in ms; null when nothing waits.' }) longestWaitMs!: number | null;
  @ApiProperty({ type: [QueueSnapshotEntryDto], description: 'Ordered by role (waiting, alerting, connected, wrapup), then since.' })
  interactions!: QueueSnapshotEntryDto[];
}
