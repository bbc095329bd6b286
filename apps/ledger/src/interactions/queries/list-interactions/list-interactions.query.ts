import { Query } from '@nestjs/cqrs';
import type { InteractionMetrics, InteractionState } from '@ledger/domain';
import type { ListInteractionsParams } from './list-interactions.params';

export interface InteractionListItem {
  conversationId: string;
  startedAt: string | null;
  endedAt: string | null;
  mediaType: string | null;
  direction: string | null;
  phase: string | null;
  ani: string | null;
  dnis: string | null;
  queueIds: string[];
  userIds: string[];
  wrapupCodes: string[];
  disconnectType: string | null;
  acdOutcome: string | null;
  abandoned: boolean;
  eventCount: number;
  /** Events of this interaction are parked in dead_letters: the state may be missing them. */
  stale: boolean;
  metrics: InteractionMetrics;
  /** Only with `activeAt`: the interaction's state at that instant. */
  state?: InteractionState;
}

export interface InteractionPage {
  items: InteractionListItem[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** Interactions matching the filters, newest first, one keyset page. */
export class ListInteractionsQuery extends Query<InteractionPage> {
  constructor(readonly params: ListInteractionsParams) {
    super();
  }
}
