import { Query } from '@nestjs/cqrs';
import type { InteractionState } from '@ledger/domain';
import type { ReplayInteractionStateParams } from './replay-interaction-state.params';

export interface ReplayedState {
  at: string;
  knownAt: string;
  eventsApplied: number;
  state: InteractionState;
}

/** The state of one interaction as of (at, knownAt), folded from the event store; null when the stream is empty. */
export class ReplayInteractionStateQuery extends Query<ReplayedState | null> {
  constructor(
    readonly conversationId: string,
    readonly params: ReplayInteractionStateParams,
  ) {
    super();
  }
}
