import type { InteractionState } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { ClientBase } from 'pg';
import { applyInteractionBatch, type ProjectionTarget } from './apply-interaction-batch';
import { conversationOf, conversationsWithParkedEvents, isDatabaseError, parkEvents } from './dead-letters';
import { INTERACTION_STREAM_PREFIX } from './interaction-rows';

export interface CommittedBatch {
  applied: number;
  parked: number;
  changed: InteractionState[];
}

/**
 * One batch in the caller's transaction: events of conversations that already have parked events queue behind them
 * (no row is built on a hole), the rest are applied, the checkpoint moves to the batch's last position.
 * With `isolate`, each conversation gets a savepoint, and an event whose handler throws is parked with the events
 * after it instead of failing the batch. `timelineIsNew` (PlanOptions) is for a batch applied whole: isolated, a key
 * violation would count as the handler's failure.
 */
export async function commitProjectionBatch(
  client: ClientBase,
  target: ProjectionTarget,
  events: RecordedEvent[],
  options: { isolate: boolean; attempts: number; timelineIsNew?: boolean },
): Promise<CommittedBatch> {
  const last = events[events.length - 1];
  if (!last) return { applied: 0, parked: 0, changed: [] };
  const interactionEvents = events.filter((event) => event.streamId.startsWith(INTERACTION_STREAM_PREFIX));
  const byConversation = groupByConversation(interactionEvents);
  const blocked = await conversationsWithParkedEvents(client, target, [...byConversation.keys()]);

  let parked = 0;
  for (const [conversationId, blocker] of blocked) {
    const queued = byConversation.get(conversationId) ?? [];
    await parkEvents(client, target, queued, { error: `queued behind parked event ${blocker}`, attempts: 0, blockedBy: blocker });
    parked += queued.length;
    byConversation.delete(conversationId);
  }

  const result: CommittedBatch = { applied: 0, parked, changed: [] };
  if (!options.isolate) {
    const applied = await applyInteractionBatch(client, target, [...byConversation.values()].flat(), { timelineIsNew: options.timelineIsNew === true });
    result.applied = applied.applied;
    result.changed = applied.changed;
  } else {
    for (const conversationEvents of byConversation.values()) await applyIsolated(client, target, conversationEvents, options.attempts, result);
  }

  await saveCheckpoint(client, target, last.position, result.applied);
  return result;
}

/** The checkpoint of `target`, in the caller's transaction (the one that wrote the rows it stands for). */
export async function saveCheckpoint(client: ClientBase, target: ProjectionTarget, position: bigint, applied: number): Promise<void> {
  await client.query(
    `INSERT INTO projection_checkpoints (projection, version, position, events_applied) VALUES ($1, $2, $3, $4)
     ON CONFLICT (projection, version) DO UPDATE
     SET position = excluded.position, events_applied = projection_checkpoints.events_applied + excluded.events_applied, updated_at = now()`,
    [target.name, target.version, position.toString(), applied],
  );
}

/** Applies one conversation's events; on a handler error finds the first event that fails and parks it and its successors. */
async function applyIsolated(client: ClientBase, target: ProjectionTarget, events: RecordedEvent[], attempts: number, into: CommittedBatch): Promise<void> {
  await client.query('SAVEPOINT conversation');
  try {
    const applied = await applyInteractionBatch(client, target, events);
    await client.query('RELEASE SAVEPOINT conversation');
    into.applied += applied.applied;
    into.changed.push(...applied.changed);
    return;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT conversation');
    if (isDatabaseError(error)) throw error;
  }
  for (const [index, event] of events.entries()) {
    await client.query('SAVEPOINT single_event');
    try {
      const applied = await applyInteractionBatch(client, target, [event]);
      await client.query('RELEASE SAVEPOINT single_event');
      into.applied += applied.applied;
      into.changed.push(...applied.changed);
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT single_event');
      if (isDatabaseError(error)) throw error;
      const rest = events.slice(index);
      await parkEvents(client, target, rest, { error: error instanceof Error ? error.message : String(error), attempts, blockedBy: null });
      into.parked += rest.length;
      return;
    }
  }
}

function groupByConversation(events: RecordedEvent[]): Map<string, RecordedEvent[]> {
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const conversationId = conversationOf(event);
    const list = groups.get(conversationId) ?? [];
    list.push(event);
    groups.set(conversationId, list);
  }
  return groups;
}
