import type { DataSource } from 'typeorm';
import { foldInteraction, type FoldableEvent, type InteractionState } from '@ledger/domain/interaction';

interface TimelineRow {
  conversation_id: string;
  event_id: string;
  event_type: string;
  event_time: Date | null;
  data: Record<string, unknown>;
}

/**
 * The state of each conversation at `atIso`, folded from the `interaction_events` read model (the fast path for
 * point-in-time queries across many interactions). An event without a business time counts from its receipt.
 */
export async function foldStatesAt(
  dataSource: DataSource,
  conversationIds: readonly string[],
  atIso: string,
): Promise<Map<string, InteractionState>> {
  const states = new Map<string, InteractionState>();
  if (conversationIds.length === 0) return states;
  const rows = await dataSource.query<TimelineRow[]>(
    `SELECT conversation_id, event_id, event_type, event_time, data
       FROM interaction_events
      WHERE conversation_id = ANY($1::text[]) AND coalesce(event_time, received_at) <= $2::timestamptz`,
    [conversationIds, atIso],
  );
  const byConversation = new Map<string, FoldableEvent[]>();
  for (const row of rows) {
    const events = byConversation.get(row.conversation_id) ?? [];
    events.push({ eventId: row.event_id, eventType: row.event_type, data: row.data, eventTime: row.event_time?.toISOString() ?? null });
    byConversation.set(row.conversation_id, events);
  }
  for (const id of conversationIds) states.set(id, foldInteraction(id, byConversation.get(id) ?? []));
  return states;
}
