import { normaliseMessage, type CanonicalEvent } from '@ledger/domain';
import type { AppendRequest } from '@ledger/event-store';
import { generateTraffic, type EventBridgeEvent } from '../../apps/cli/src/simulate/generate-traffic';

export const WORKLOAD_SEED = 20_240_611;
export const EVENTS_PER_CONVERSATION = 40;
const START_TIME = new Date('2025-03-03T08:00:00.000Z');
/** About 1,000 conversations in progress at once (mean length ≈ 11 min), so `?activeAt=` has 1,000 to find. */
const MEAN_GAP_MS = 650;
const AGENTS = 600;
const QUEUES = 12;

export interface Workload {
  /** Every delivery, in EventBridge delivery order: late events and redeliveries included. */
  deliveries: EventBridgeEvent[];
  conversations: number;
  /** Distinct events among the deliveries. */
  events: number;
  queueIds: string[];
  /** A conversation of exactly (or as close as the simulator gets to) 60 events, for the replay figure. */
  replaySubject: { conversationId: string; events: number; deliveries: EventBridgeEvent[] };
  generateMs: number;
}

/** Seeded simulator traffic: ~40 events per conversation, 2% redelivered, 5% delivered late. */
export function buildWorkload(targetEvents: number): Workload {
  const started = Date.now();
  const traffic = generateTraffic({
    seed: WORKLOAD_SEED,
    conversations: Math.ceil(targetEvents / EVENTS_PER_CONVERSATION),
    startTime: START_TIME,
    targetEventsPerConversation: EVENTS_PER_CONVERSATION,
    duplicateRate: 0.02,
    reorderRate: 0.05,
    meanGapMs: MEAN_GAP_MS,
    agents: AGENTS,
    queues: QUEUES,
  });
  const queueIds = new Set<string>();
  let events = 0;
  for (const conversation of traffic.conversations) {
    events += conversation.events.length;
    for (const queueId of conversation.queueIds) queueIds.add(queueId);
  }
  return {
    deliveries: traffic.deliveries,
    conversations: traffic.conversations.length,
    events,
    queueIds: [...queueIds].sort(),
    replaySubject: replaySubject(),
    generateMs: Date.now() - started,
  };
}

function replaySubject(): Workload['replaySubject'] {
  const traffic = generateTraffic({
    seed: WORKLOAD_SEED + 1,
    conversations: 40,
    startTime: START_TIME,
    targetEventsPerConversation: 60,
    duplicateRate: 0,
    reorderRate: 0,
  });
  const best = [...traffic.conversations].sort((a, b) => Math.abs(a.events.length - 60) - Math.abs(b.events.length - 60))[0];
  if (!best) throw new Error('the simulator produced no conversation');
  return {
    conversationId: best.conversationId,
    events: best.events.length,
    deliveries: traffic.deliveries.filter((delivery) => delivery.detail.eventBody.conversationId === best.conversationId),
  };
}

/** Ingest's own normalisation (without HTTP): what the store is given for these deliveries. */
export function toCanonical(deliveries: readonly EventBridgeEvent[]): CanonicalEvent[] {
  const receivedAt = new Date('2025-03-04T00:00:00.000Z');
  return deliveries.map((delivery, index) => {
    const result = normaliseMessage(delivery, { source: 'eventbridge', receivedAt: new Date(receivedAt.getTime() + index) });
    if (result.outcome !== 'event') throw new Error(`simulated delivery did not normalise: ${JSON.stringify(result)}`);
    return result.event;
  });
}

/** Consecutive batches of `size` events, each grouped by stream as ingest groups them (many streams per batch). */
export function appendBatches(events: readonly CanonicalEvent[], size: number): AppendRequest[][] {
  const batches: AppendRequest[][] = [];
  for (let offset = 0; offset < events.length; offset += size) {
    const byStream = new Map<string, AppendRequest>();
    for (const event of events.slice(offset, offset + size)) {
      let request = byStream.get(event.streamId);
      if (!request) {
        request = { streamId: event.streamId, events: [], expectedRevision: 'any' };
        byStream.set(event.streamId, request);
      }
      request.events.push({ eventId: event.eventId, eventType: event.eventType, data: event.data, metadata: event.metadata });
    }
    batches.push([...byStream.values()]);
  }
  return batches;
}

/** JSON-array request bodies of `size` deliveries each, as the ingest endpoint takes them. */
export function ingestBodies(deliveries: readonly EventBridgeEvent[], size: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let offset = 0; offset < deliveries.length; offset += size) {
    bodies.push(Buffer.from(JSON.stringify(deliveries.slice(offset, offset + size))));
  }
  return bodies;
}
