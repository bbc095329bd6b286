import { GENESYS_UPCASTERS, canonicalIso, type FoldableEvent, type InteractionState, type QueueContribution, type UpcasterRegistry } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';

export const INTERACTION_STREAM_PREFIX = 'interaction-';

/** One row of `interaction_events`: the timeline entry of a stored event. */
export interface TimelineRow {
  eventId: string;
  conversationId: string;
  eventType: string;
  eventTime: string | null;
  receivedAt: string;
  position: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export function toTimelineRow(event: RecordedEvent): TimelineRow {
  const metadata = (event.metadata ?? {}) as Record<string, unknown>;
  return {
    eventId: event.eventId,
    conversationId: event.streamId.slice(INTERACTION_STREAM_PREFIX.length),
    eventType: event.eventType,
    eventTime: canonicalIso(metadata['eventTime']),
    receivedAt: canonicalIso(metadata['receivedAt']) ?? event.recordedAt.toISOString(),
    position: event.position.toString(),
    data: (event.data ?? {}) as Record<string, unknown>,
    metadata,
  };
}

/** The fold's view of a timeline row: its body upcast to the current shape (the stored body stays verbatim). */
export function toFoldable(
  row: Pick<TimelineRow, 'eventId' | 'eventType' | 'eventTime' | 'data'> & { topicVersion: string | null },
  upcasters: UpcasterRegistry = GENESYS_UPCASTERS,
): FoldableEvent {
  const data = upcasters.upcast({ eventType: row.eventType, topicVersion: row.topicVersion, data: row.data });
  return { eventId: row.eventId, eventType: row.eventType, eventTime: row.eventTime, data };
}

export function topicVersionOf(metadata: Record<string, unknown>): string | null {
  const version = metadata['topicVersion'];
  return typeof version === 'string' ? version : null;
}

/** An `interactions` row: its filter columns and metrics, and the whole state (stored as jsonb), which travels apart. */
export interface InteractionRow {
  columns: Record<string, unknown>;
  state: InteractionState;
}

export function toInteractionRow(state: InteractionState, meta: { foldKey: string; eventCount: number; position: string; sortTime: string }): InteractionRow {
  return {
    columns: {
      conversation_id: state.conversationId,
      sort_time: meta.sortTime,
      started_at: state.startedAt,
      ended_at: state.endedAt,
      last_event_time: state.lastEventTime,
      media_type: state.mediaType,
      direction: state.direction,
      phase: state.phase,
      ani: state.ani,
      dnis: state.dnis,
      queue_ids: state.queueIds,
      user_ids: state.userIds,
      wrapup_codes: state.wrapupCodes,
      external_contact_ids: state.externalContactIds,
      disconnect_type: state.disconnectType,
      acd_outcome: state.acdOutcome,
      abandoned: state.metrics.abandoned,
      metrics: state.metrics,
      fold_key: meta.foldKey,
      event_count: meta.eventCount,
      position: meta.position,
    },
    state,
  };
}

export function toContributionRow(conversationId: string, contribution: QueueContribution): Record<string, unknown> {
  return {
    conversation_id: conversationId,
    queue_id: contribution.queueId,
    interval_start: contribution.intervalStart,
    n_offered: contribution.nOffered,
    n_answered: contribution.nAnswered,
    n_abandoned: contribution.nAbandoned,
    n_flow_out: contribution.nFlowOut,
    t_acd_sum: contribution.tAcdSum,
    t_acd_max: contribution.tAcdMax,
    t_answered_sum: contribution.tAnsweredSum,
    t_talk_sum: contribution.tTalkSum,
    t_held_sum: contribution.tHeldSum,
    t_acw_sum: contribution.tAcwSum,
    t_handle_sum: contribution.tHandleSum,
    n_answered_within_sl: contribution.nAnsweredWithinSl,
  };
}

