import { Query } from '@nestjs/cqrs';

export interface InteractionDetail {
  conversationId: string;
  /** `$all` position of the last event applied (a bigint, as a string). */
  position: string;
  eventCount: number;
  updatedAt: string;
  /** Events of this interaction are parked in dead_letters: the state may be missing them. */
  stale: boolean;
  /** The state as stored, JSON text: it is sent on without being parsed and serialised again. */
  stateJson: string;
}

/** The current state of one interaction from the read model; null when unknown. */
export class GetInteractionQuery extends Query<InteractionDetail | null> {
  constructor(readonly conversationId: string) {
    super();
  }
}
