import { ApiProperty } from '@nestjs/swagger';
import { InteractionStateDto } from '../../shared/interaction-state.dto';

export class InteractionDetailDto {
  @ApiProperty({ example: '2f7bf00a-0fc2-4d6a-9b56-92238191433e' }) conversationId!: string;
  @ApiProperty({ example: '1048576', description: 'Event-store position of the last event applied (64-bit, as a string).' })
  position!: string;
  @ApiProperty({ example: 14, description: 'Events applied.' }) eventCount!: number;
  @ApiProperty({ format: 'date-time', description: 'When the projector last wrote the row.' }) updatedAt!: string;
  @ApiProperty({
    example: false,
    description: 'True while events of this interaction are parked as dead letters (GET /v1/admin/dead-letters): the state may be missing them.',
  })
  stale!: boolean;
  @ApiProperty({ type: InteractionStateDto, description: 'The fold of every event of the interaction.' })
  state!: InteractionStateDto;
}
