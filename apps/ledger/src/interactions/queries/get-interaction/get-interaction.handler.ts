import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetInteractionQuery, type InteractionDetail } from './get-interaction.query';
import { InteractionLookup } from './interaction-lookup';

@QueryHandler(GetInteractionQuery)
export class GetInteractionHandler implements IQueryHandler<GetInteractionQuery> {
  constructor(private readonly lookup: InteractionLookup) {}

  async execute({ conversationId }: GetInteractionQuery): Promise<InteractionDetail | null> {
    const row = await this.lookup.load(conversationId);
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
