import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@ledger/event-store';
import { foldInteraction, type FoldableEvent } from '@ledger/domain';
import { toFoldable, topicVersionOf, type InteractionProjectionDefinition } from '@ledger/projections';
import { INTERACTION_PROJECTION_DEFINITION } from '../../../projector/projector.tokens';
import { ReplayInteractionStateQuery, type ReplayedState } from './replay-interaction-state.query';

const PAGE_SIZE = 1000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const instant = (value: unknown): number | null => {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : null;
};

/**
 * Replays from the source of truth, not the read model: the answer does not depend on a projection being caught
 * up or on its version. Business time and knowledge time are separate cuts, so "what did we know at 10:45 about
 * 10:42" leaves out an event that happened before 10:42 but arrived after 10:45. It folds with the deployed
 * definition's extensions, so a replay to now equals the read model once that definition serves.
 */
@QueryHandler(ReplayInteractionStateQuery)
export class ReplayInteractionStateHandler implements IQueryHandler<ReplayInteractionStateQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(INTERACTION_PROJECTION_DEFINITION) private readonly definition: InteractionProjectionDefinition,
  ) {}

  async execute({ conversationId, params }: ReplayInteractionStateQuery): Promise<ReplayedState | null> {
    const recorded = await this.readWholeStream(`interaction-${conversationId}`);
    if (recorded.length === 0) return null;
    const atMs = Date.parse(params.at);
    const knownAtMs = Date.parse(params.knownAt);
    const applied: FoldableEvent[] = [];
    for (const event of recorded) {
      const metadata = isObject(event.metadata) ? event.metadata : {};
      const eventTime = instant(metadata.eventTime);
      const receivedAt = instant(metadata.receivedAt) ?? event.recordedAt.getTime();
      // Without a business time, the receipt is the best bound on when it happened.
      if ((eventTime ?? receivedAt) > atMs || receivedAt > knownAtMs) continue;
      applied.push(
        toFoldable({
          eventId: event.eventId,
          eventType: event.eventType,
          data: isObject(event.data) ? event.data : {},
          eventTime: eventTime === null ? null : new Date(eventTime).toISOString(),
          topicVersion: topicVersionOf(metadata),
        }),
      );
    }
    return { at: params.at, knownAt: params.knownAt, eventsApplied: applied.length, state: foldInteraction(conversationId, applied, this.definition.extensions) };
  }

  private async readWholeStream(streamId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let fromRevision = 0n;
    for (;;) {
      const page = await this.store.readStream(streamId, { fromRevision, maxCount: PAGE_SIZE });
      events.push(...page);
      const last = page.at(-1);
      if (page.length < PAGE_SIZE || last === undefined) return events;
      fromRevision = last.revision + 1n;
    }
  }
}
