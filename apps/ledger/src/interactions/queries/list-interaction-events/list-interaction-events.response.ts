import { ApiProperty } from '@nestjs/swagger';

export class TimelineEventDto {
  @ApiProperty({ format: 'uuid', description: 'Deterministic id of the fact; duplicates share it.' }) eventId!: string;
  @ApiProperty({ example: 'v2.detail.events.conversation.{id}.acd.end', description: 'Topic template (EventBridge detail-type).' })
  eventType!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Business time at Genesys.' }) eventTime!: string | null;
  @ApiProperty({ format: 'date-time', description: 'Knowledge time: first receipt by the ledger.' }) receivedAt!: string;
  @ApiProperty({ example: '1048576', description: 'Event-store position (64-bit, as a string).' }) position!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The Genesys eventBody, verbatim.' })
  data!: Record<string, unknown>;
  @ApiProperty({
    type: 'object', additionalProperties: true,
    example: { topicName: 'v2.detail.events.conversation.2f7b….acd.end', topicVersion: '2', source: 'eventbridge', eventTime: '2025-04-10T10:15:00.000Z', receivedAt: '2025-04-10T10:15:01.204Z', correlationId: null },
  })
  metadata!: Record<string, unknown>;
}

export class TimelinePageDto {
  @ApiProperty({ type: [TimelineEventDto] }) items!: TimelineEventDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  nextCursor!: string | null;
}
