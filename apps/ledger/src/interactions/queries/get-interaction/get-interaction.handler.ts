import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { queryPrepared } from '../../shared/prepared-query';
import { GetInteractionQuery, type InteractionDetail } from './get-interaction.query';

interface DetailRow {
  conversation_id: string;
  position: string;
  event_count: number;
  updated_at: Date;
  stale: boolean;
  state_json: string;
}

@QueryHandler(GetInteractionQuery)
export class GetInteractionHandler implements IQueryHandler<GetInteractionQuery> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ conversationId }: GetInteractionQuery): Promise<InteractionDetail | null> {
    const [row] = await queryPrepared<DetailRow>(
      this.dataSource,
      'SELECT conversation_id, position::text AS position, event_count, updated_at, stale, state::text AS state_json FROM interactions WHERE conversation_id = $1',
      [conversationId],
    );
    if (row === undefined) return null;
    return {
      conversationId: row.conversation_id,
      position: row.position,
      eventCount: row.event_count,
      updatedAt: row.updated_at.toISOString(),
      stale: row.stale,
      stateJson: row.state_json,
    };
  }
}
