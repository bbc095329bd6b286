import { ApiProperty } from '@nestjs/swagger';

export class DriftFieldDto {
  @ApiProperty({ example: 'sentiment.score', description: 'JSON path: `.` between keys, `[]` array elements, `*` map keys.' }) path!: string;
  @ApiProperty({ example: 'number', enum: ['string', 'number', 'boolean', 'null', 'object', 'array'] }) jsonType!: string;
  @ApiProperty({ format: 'date-time', description: 'Earliest receipt (knowledge time) of an event showing it.' }) firstSeen!: string;
  @ApiProperty({ format: 'date-time', description: 'Latest receipt of an event showing it.' }) lastSeen!: string;
  @ApiProperty({ example: 42, description: 'Events showing it.' }) occurrences!: number;
  @ApiProperty({ format: 'uuid', description: 'The earliest-seen event showing it.' }) sampleEventId!: string;
}

export class TypeChangeDto extends DriftFieldDto {
  @ApiProperty({ example: 'number', description: 'The baseline JSON type.' }) expectedType!: string;
}

export class UnknownEnumValueDto extends DriftFieldDto {
  @ApiProperty({ example: 'CALLBACK_SCHEDULED', description: 'A value the baseline does not list.' }) value!: string;
}

export class EventTypeDriftDto {
  @ApiProperty({ example: 'v2.detail.events.conversation.{id}.acd.end' }) eventType!: string;
  @ApiProperty({ type: String, nullable: true, example: '2', description: 'Topic version; null when messages carried none.' }) topicVersion!: string | null;
  @ApiProperty({ type: [DriftFieldDto] }) newFields!: DriftFieldDto[];
  @ApiProperty({ type: [TypeChangeDto] }) typeChanges!: TypeChangeDto[];
  @ApiProperty({ type: [UnknownEnumValueDto] }) unknownEnumValues!: UnknownEnumValueDto[];
}

export class DriftCheckpointDto {
  @ApiProperty({ example: '1234', description: 'Last `$all` position the registry has looked at.' }) position!: string;
  @ApiProperty({ example: 100000, description: 'Events of baselined types fingerprinted.' }) eventsSeen!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SchemaDriftReportDto {
  @ApiProperty({ example: 'genesys-cloud python SDK 257.1.0 detail-event eventBody models' }) baseline!: string;
  @ApiProperty({ type: DriftCheckpointDto, nullable: true, description: 'Null until the subscriber has committed once.' }) checkpoint!: DriftCheckpointDto | null;
  @ApiProperty({ description: 'True when more rows matched than `limit`.' }) truncated!: boolean;
  @ApiProperty({ type: [EventTypeDriftDto] }) items!: EventTypeDriftDto[];
}
