import { ApiProperty } from '@nestjs/swagger';
import { InteractionStateDto } from '../../shared/interaction-state.dto';

export class ReplayedStateDto {
  @ApiProperty({ format: 'date-time', description: 'Business-time cut: events with eventTime ≤ at.' }) at!: string;
  @ApiProperty({ format: 'date-time', description: 'Knowledge-time cut: events received ≤ knownAt.' }) knownAt!: string;
  @ApiProperty({ example: 9, description: 'Events folded.' }) eventsApplied!: number;
  @ApiProperty({ type: InteractionStateDto }) state!: InteractionStateDto;
}
