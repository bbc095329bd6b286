import { Query } from '@nestjs/cqrs';
import type { ListInteractionEventsParams } from './list-interaction-events.params';

export interface TimelineEvent {
  eventId: string;
  /** Topic template, e.g. `v2.detail.events.conversation.{id}.acd.end`. */
  eventType: string;
  eventTime: string | null;
  receivedAt: string;
  /** `$all` position (a bigint, as a string). */
  position: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface TimelinePage {
  items: TimelineEvent[];
  nextCursor: string | null;
}

/** One page of an interaction's timeline in (eventTime, eventId) order; null when the interaction is unknown. */
export class ListInteractionEventsQuery extends Query<TimelinePage | null> {
  constructor(
    readonly conversationId: string,
    readonly params: ListInteractionEventsParams,
  ) {
    super();
  }
}
