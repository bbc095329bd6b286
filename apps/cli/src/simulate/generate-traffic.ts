import { AgentRoster, buildContactCentre, type ContactCentre } from './contact-centre';
import type { EventBridgeEvent, NotificationMessage } from './genesys-messages';
import { deriveSeed, seededRandom, type SeededRandom } from './seeded-random';
import { simulateConversation, type SimulatedConversation } from './simulate-conversation';

export type { DetailEventBody, DetailEventKind, EventBridgeEvent, NotificationMessage } from './genesys-messages';
export type { ConversationPhase, SimulatedConversation, SimulatedStep } from './simulate-conversation';

export interface GenerateTrafficOptions {
  seed: number;
  conversations: number;
  /** When the first customer arrives; every other time is an offset from it (the generator reads no clock). */
  startTime: Date;
  queues?: number;
  agents?: number;
  /** Mean time between arrivals (Poisson process). */
  meanGapMs?: number;
  /** Share of events EventBridge delivers a second time. */
  duplicateRate?: number;
  /** Share of events delivered late, after events that happened after them. */
  reorderRate?: number;
  /** Pads conversations with `attributes` and `flow.outcome` events to about this many events on average. */
  targetEventsPerConversation?: number;
  abandonRate?: number;
  transferRate?: number;
  holdRate?: number;
  account?: string;
  region?: string;
  eventSourceSuffix?: string;
}

export interface GeneratedTraffic {
  conversations: SimulatedConversation[];
  /** Every event of every conversation wrapped for EventBridge, in delivery order: late ones and duplicates included. */
  deliveries: EventBridgeEvent[];
}

export const TRAFFIC_DEFAULTS = {
  queues: 6,
  agents: 50,
  meanGapMs: 5_000,
  duplicateRate: 0.02,
  reorderRate: 0.05,
  abandonRate: 0.1,
  transferRate: 0.12,
  holdRate: 0.25,
  account: '123456789012',
  region: 'us-east-1',
  eventSourceSuffix: 'interaction-ledger-simulator',
} as const;

const withDefaults = (options: GenerateTrafficOptions) => ({ ...TRAFFIC_DEFAULTS, ...withoutUndefined(options) });
type Settings = ReturnType<typeof withDefaults>;

/** How far (in deliveries) a late event or a redelivery may trail its place in time order. */
const MAX_LATE_POSITIONS = 50;
const MAX_REDELIVERY_POSITIONS = 200;

/** Seeded, pure traffic: one seed and start time always give the same conversations and the same deliveries. */
export function generateTraffic(options: GenerateTrafficOptions): GeneratedTraffic {
  const settings = withDefaults(options);
  const { centre, conversations } = simulateContactCentre(settings);
  const envelope = {
    source: `aws.partner/genesys.com/cloud/${centre.orgId}/${settings.eventSourceSuffix}`,
    account: settings.account,
    region: settings.region,
  };
  const inTimeOrder = conversations
    .flatMap((conversation) => conversation.events)
    .sort((a, b) => a.eventBody.eventTime - b.eventBody.eventTime);
  const deliveries = scheduleDeliveries(seededRandom(deriveSeed(settings.seed, 2)), inTimeOrder, envelope, settings);
  return { conversations, deliveries };
}

/** The conversations alone, identical to `generateTraffic(options).conversations`, without the cost of deliveries. */
export function generateConversations(options: GenerateTrafficOptions): SimulatedConversation[] {
  return simulateContactCentre(withDefaults(options)).conversations;
}

function simulateContactCentre(settings: Settings): { centre: ContactCentre; conversations: SimulatedConversation[] } {
  if (!Number.isInteger(settings.conversations) || settings.conversations < 0) {
    throw new RangeError(`conversations must be a non-negative integer, got ${settings.conversations}`);
  }
  const startMs = settings.startTime.getTime();
  if (Number.isNaN(startMs)) throw new RangeError('startTime is not a valid date');
  // Separate streams: changing the delivery rates never changes the conversations themselves.
  const centre = buildContactCentre(seededRandom(deriveSeed(settings.seed, 0)), settings.queues, settings.agents);
  const arrivals = seededRandom(deriveSeed(settings.seed, 1));
  const roster = new AgentRoster(centre.agentIds);
  const conversations: SimulatedConversation[] = [];
  let arrivalAt = startMs;
  for (let index = 0; index < settings.conversations; index += 1) {
    if (index > 0) arrivalAt += arrivals.exponential(settings.meanGapMs);
    const rng = seededRandom(deriveSeed(settings.seed, index + 3));
    conversations.push(simulateConversation(rng, centre, roster, arrivalAt, settings));
  }
  return { centre, conversations };
}

type Envelope = Pick<EventBridgeEvent, 'source' | 'account' | 'region'>;

/** Time order, then some events pushed later and some delivered again (at-least-once, unordered, like Genesys). */
function scheduleDeliveries(
  rng: SeededRandom,
  messages: readonly NotificationMessage[],
  envelope: Envelope,
  rates: { duplicateRate: number; reorderRate: number },
): EventBridgeEvent[] {
  const slots: { key: number; delivery: EventBridgeEvent }[] = [];
  messages.forEach((message, index) => {
    const delivery = toEventBridge(message, rng.uuid(), envelope);
    const late = rng.chance(rates.reorderRate);
    slots.push({ key: late ? index + rng.int(1, MAX_LATE_POSITIONS) + 0.5 : index, delivery });
    if (rng.chance(rates.duplicateRate)) {
      // A retry of the same EventBridge event keeps its id; a second publication by Genesys gets a new one.
      const id = rng.chance(0.5) ? delivery.id : rng.uuid();
      const again: EventBridgeEvent = { ...structuredClone(delivery), id };
      slots.push({ key: index + rng.int(0, MAX_REDELIVERY_POSITIONS) + 0.5, delivery: again });
    }
  });
  // Array.prototype.sort is stable, so equal keys keep their insertion order.
  return slots.sort((a, b) => a.key - b.key).map((slot) => slot.delivery);
}

export function toEventBridge(message: NotificationMessage, id: string, envelope: Envelope): EventBridgeEvent {
  return {
    version: '0',
    id,
    'detail-type': message.topicName.replace(`.${message.eventBody.conversationId}.`, '.{id}.'),
    source: envelope.source,
    account: envelope.account,
    time: message.timestamp.replace(/\.\d{3}Z$/, 'Z'),
    region: envelope.region,
    resources: [],
    detail: message,
  };
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
