import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READ_MODEL_VIEWS } from '@ledger/projections/entities';
import { GetInteractionController } from './queries/get-interaction/get-interaction.controller';
import { GetInteractionHandler } from './queries/get-interaction/get-interaction.handler';
import { InteractionLookup } from './queries/get-interaction/interaction-lookup';
import { ListInteractionEventsController } from './queries/list-interaction-events/list-interaction-events.controller';
import { ListInteractionEventsHandler } from './queries/list-interaction-events/list-interaction-events.handler';
import { ListInteractionsController } from './queries/list-interactions/list-interactions.controller';
import { ListInteractionsHandler } from './queries/list-interactions/list-interactions.handler';
import { ReplayInteractionStateController } from './queries/replay-interaction-state/replay-interaction-state.controller';
import { ReplayInteractionStateHandler } from './queries/replay-interaction-state/replay-interaction-state.handler';

/** Interaction history over REST: list, current state, timeline, and replay to any past instant. */
@Module({
  imports: [CqrsModule.forRoot(), TypeOrmModule.forFeature(READ_MODEL_VIEWS)],
  controllers: [ListInteractionsController, GetInteractionController, ListInteractionEventsController, ReplayInteractionStateController],
  providers: [InteractionLookup, ListInteractionsHandler, GetInteractionHandler, ListInteractionEventsHandler, ReplayInteractionStateHandler],
})
export class InteractionsModule {}
