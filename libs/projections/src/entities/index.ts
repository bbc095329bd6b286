import { InteractionEventView } from './interaction-event.entity';
import { InteractionQueueView } from './interaction-queue.entity';
import { InteractionView } from './interaction.entity';
import { QueueContributionView } from './queue-contribution.entity';
import { QueueIntervalView } from './queue-interval.entity';

export { InteractionEventView, InteractionQueueView, InteractionView, QueueContributionView, QueueIntervalView };

/** Every read-model view the API reads, for `TypeOrmModule.forFeature`. */
export const READ_MODEL_VIEWS = [InteractionView, InteractionEventView, InteractionQueueView, QueueIntervalView, QueueContributionView];
