import {
  AgentRoster,
  ContactCentre,
  MEDIA_MIX,
  MEDIA_PROFILES,
  MESSAGE_MIX,
  randomPhoneNumber,
} from './contact-centre';
import {
  detailTopic,
  type DetailEventBody,
  type DetailEventKind,
  type DisconnectType,
  type MediaType,
  type NotificationMessage,
} from './genesys-messages';
import type { SeededRandom } from './seeded-random';

/** Conversation phases in the ledger's vocabulary (DESIGN.md, "State fields"). */
export type ConversationPhase = 'ivr' | 'queued' | 'alerting' | 'connected' | 'held' | 'wrapup' | 'ended';

/** One change of the conversation's phase; `at` is epoch ms, like eventTime. */
export interface SimulatedStep {
  phase: ConversationPhase;
  at: number;
  queueId?: string;
  userId?: string;
}

export interface SimulatedConversation {
  conversationId: string;
  mediaType: MediaType;
  queueIds: string[];
  userIds: string[];
  outcome: 'answered' | 'abandoned';
  transferred: boolean;
  /** Every detail event of the conversation, in true (eventTime) order. */
  events: NotificationMessage[];
  steps: SimulatedStep[];
}

export interface ConversationRates {
  abandonRate: number;
  transferRate: number;
  holdRate: number;
  /** When set, `attributes` and `flow.outcome` events pad each conversation to about this many events. */
  targetEventsPerConversation?: number;
}

type Participant = { participantId: string; sessionId: string };
type Window = { from: number; to: number };
type Fields = Omit<DetailEventBody, 'eventTime' | 'conversationId' | 'participantId'>;

/** Kinds whose Genesys model has no divisionId. */
const WITHOUT_DIVISION: ReadonlySet<DetailEventKind> = new Set<DetailEventKind>(['acw', 'attributes']);
/** Participant data that flows and agent scripts typically set. */
const ATTRIBUTE_VALUES: readonly (readonly [string, readonly string[]])[] = [
  ['language', ['en-US', 'es-US', 'fr-CA']],
  ['intent', ['billing', 'technical-support', 'sales', 'cancellation', 'order-status']],
  ['customerTier', ['standard', 'gold', 'platinum']],
  ['authenticated', ['true', 'false']],
  ['surveyOptIn', ['true', 'false']],
  ['estimatedWaitSec', ['30', '60', '120', '300']],
  ['callbackOffered', ['true', 'false']],
];

/** Scripts one inbound conversation from customer.start to the last wrap-up. Pure apart from the roster it books. */
export function simulateConversation(
  rng: SeededRandom,
  centre: ContactCentre,
  roster: AgentRoster,
  startedAt: number,
  rates: ConversationRates,
): SimulatedConversation {
  const mediaType = rng.weighted(MEDIA_MIX);
  const profile = MEDIA_PROFILES[mediaType];
  const conversationId = rng.uuid();
  const participant = (): Participant => ({ participantId: rng.uuid(), sessionId: rng.uuid() });
  const contact = rng.chance(0.3) ? rng.uuid() : undefined;
  const common = commonFields(rng, centre, mediaType, contact);
  const events: NotificationMessage[] = [];
  const steps: SimulatedStep[] = [];
  const queueIds: string[] = [];
  const userIds: string[] = [];
  const windows: { ivr: Window[]; any: Window[] } = { ivr: [], any: [] };

  const emit = (kind: DetailEventKind, at: number, who: Participant, fields: Fields): number => {
    // Built in place rather than by spreads: large benchmark runs mint hundreds of thousands of these.
    const eventBody: DetailEventBody = { eventTime: at, conversationId, participantId: who.participantId };
    if (kind === 'attributes') {
      if (common.conversationExternalContactIds)
        eventBody.conversationExternalContactIds = common.conversationExternalContactIds;
    } else {
      eventBody.sessionId = who.sessionId;
      Object.assign(eventBody, common);
    }
    if (!WITHOUT_DIVISION.has(kind)) eventBody.divisionId = centre.divisionId;
    Object.assign(eventBody, fields);
    events.push({
      topicName: detailTopic(conversationId, kind),
      version: '2',
      eventBody,
      metadata: { CorrelationId: rng.uuid() },
      timestamp: new Date(at + rng.int(20, 800)).toISOString(),
    });
    return at;
  };
  const step = (phase: ConversationPhase, at: number, extra: Omit<SimulatedStep, 'phase' | 'at'> = {}): void => {
    steps.push({ phase, at, ...extra });
  };
  const between = ([min, max]: readonly [number, number]): number => rng.int(min, max);

  // Entry: the customer arrives and the inbound flow (IVR, or the bot of a digital channel) runs.
  const customer = participant();
  emit('customer.start', startedAt, customer, contact === undefined ? {} : { externalContactId: contact });
  step('ivr', startedAt);
  const ivr = participant();
  const flow = { flowId: centre.flowIds[mediaType], flowType: profile.flowType, flowVersion: `${rng.int(1, 9)}.0` };
  const flowStart = emit('flow.start', startedAt + rng.int(20, 400), ivr, flow);
  const flowEnd = flowStart + between(profile.ivrMs);
  emit('flow.end', flowEnd, ivr, {
    ...flow,
    connectedDurationMs: flowEnd - flowStart,
    disconnectType: 'TRANSFER',
    exitReason: 'TRANSFER',
    transferType: 'ACD',
  });
  windows.ivr.push({ from: flowStart, to: flowEnd });

  let queueId = rng.pick(centre.queueIds);
  let acdStart = flowEnd + rng.int(1, 30);
  let previousAgent: string | undefined;
  let outcome: SimulatedConversation['outcome'] = 'answered';
  for (let leg = 0; ; leg += 1) {
    const acd = participant();
    queueIds.push(queueId);
    emit('acd.start', acdStart, acd, {
      queueId,
      routingPriority: 0,
      requestedRoutingSkillIds: [rng.pick(centre.skillIds)],
    });
    step('queued', acdStart, { queueId });
    const routing = { queueId, requestedRoutings: ['STANDARD'], usedRouting: 'STANDARD', routingPriority: 0 };

    if (leg === 0 && rng.chance(rates.abandonRate)) {
      const abandonAt = acdStart + Math.max(1_000, rng.exponential(profile.meanWaitMs));
      windows.any.push({ from: acdStart, to: abandonAt });
      emit('acd.end', abandonAt, acd, {
        ...routing,
        acdOutcome: 'ABANDON',
        connectedDurationMs: abandonAt - acdStart,
        disconnectType: 'PEER',
      });
      const endAt = abandonAt + rng.int(1, 40);
      emit('customer.end', endAt, customer, { disconnectType: 'ENDPOINT', interactingDurationMs: endAt - startedAt });
      outcome = 'abandoned';
      break;
    }

    const alertAt = acdStart + Math.max(500, rng.exponential(profile.meanWaitMs));
    windows.any.push({ from: acdStart, to: alertAt });
    const userId = roster.pick(rng, alertAt, mediaType === 'VOICE', previousAgent);
    userIds.push(userId);
    const agent = participant();
    emit('user.start', alertAt, agent, { userId, queueId });
    step('alerting', alertAt, { queueId, userId });
    const answerAt = alertAt + between(profile.alertMs);
    emit('acd.end', answerAt, acd, {
      ...routing,
      acdOutcome: 'ANSWERED',
      answeredUserId: userId,
      connectedDurationMs: answerAt - acdStart,
      disconnectType: 'TRANSFER',
    });
    step('connected', answerAt, { queueId, userId });

    const talkMs = rng.logNormal(profile.talkMedianMs, 0.7, 20_000, profile.talkMaxMs);
    let heldMs = 0;
    if (profile.holdable && rng.chance(rates.holdRate)) {
      const holdAt = answerAt + Math.round(talkMs * (0.2 + 0.5 * rng.next()));
      heldMs = rng.int(15_000, 120_000);
      step('held', holdAt, { queueId, userId });
      step('connected', holdAt + heldMs, { queueId, userId });
    }
    const disconnectAt = answerAt + talkMs + heldMs;
    windows.any.push({ from: answerAt, to: disconnectAt });
    const transfer = leg === 0 && centre.queueIds.length > 1 && rng.chance(rates.transferRate);
    const customerHangsUp = !transfer && rng.chance(0.6);
    let userEndAt = disconnectAt;
    let disconnectType: DisconnectType = transfer ? 'TRANSFER' : 'CLIENT';
    if (customerHangsUp) {
      emit('customer.end', disconnectAt, customer, {
        disconnectType: 'ENDPOINT',
        interactingDurationMs: disconnectAt - startedAt,
      });
      userEndAt = disconnectAt + rng.int(1, 40);
      disconnectType = 'PEER';
    }
    emit('user.end', userEndAt, agent, {
      userId,
      queueId,
      disconnectType,
      alertingDurationMs: answerAt - alertAt,
      interactingDurationMs: userEndAt - answerAt,
      heldDurationMs: heldMs,
    });
    if (!transfer && !customerHangsUp) {
      const endAt = userEndAt + rng.int(1, 40);
      emit('customer.end', endAt, customer, { disconnectType: 'PEER', interactingDurationMs: endAt - startedAt });
    }
    const acwMs = between(profile.acwMs);
    emit('acw', userEndAt + acwMs, agent, {
      userId,
      queueId,
      wrapupCode: rng.pick(centre.wrapupCodeIds),
      wrapupDurationMs: acwMs,
      ...(rng.chance(0.2) ? { wrapupNotes: 'Customer issue resolved.' } : {}),
    });
    roster.book(userId, userEndAt + acwMs);

    if (!transfer) {
      step('wrapup', disconnectAt, { queueId, userId });
      break;
    }
    // Blind transfer: the agent hands the customer to another queue and wraps up while the customer waits again.
    previousAgent = userId;
    queueId = rng.pick(centre.queueIds.filter((id) => id !== queueId));
    acdStart = userEndAt + rng.int(1, 30);
  }

  const communications = [{ id: customer.sessionId, mediaType }];
  addPadding(rng, centre, rates, events.length, windows, (kind, at, fields) =>
    kind === 'flow.outcome'
      ? emit(kind, at, ivr, { ...flow, ...fields })
      : emit(kind, at, customer, { ...fields, communications }),
  );
  events.sort((a, b) => a.eventBody.eventTime - b.eventBody.eventTime);
  // Ended once the last participant is done: after a transfer, the first agent may still be wrapping up.
  step('ended', events[events.length - 1]?.eventBody.eventTime ?? startedAt);
  return { conversationId, mediaType, queueIds, userIds, outcome, transferred: queueIds.length > 1, events, steps };
}

/**
 * Extra `flow.outcome` (during the IVR) and `attributes` events: a few by default, or enough to reach
 * `targetEventsPerConversation` (±25%) for benchmarks. Times are drawn first so attributes accumulate in time order.
 */
function addPadding(
  rng: SeededRandom,
  centre: ContactCentre,
  rates: ConversationRates,
  baseCount: number,
  windows: { ivr: Window[]; any: Window[] },
  emitExtra: (kind: 'flow.outcome' | 'attributes', at: number, fields: Fields) => void,
): void {
  const target = rates.targetEventsPerConversation;
  const count =
    target === undefined ? rng.int(1, 3) : Math.max(0, Math.round(target * (0.75 + 0.5 * rng.next())) - baseCount);
  const inside = (window: Window): number => rng.int(window.from + 1, Math.max(window.from + 1, window.to - 1));
  const ivr = windows.ivr[0];
  const all = [...windows.ivr, ...windows.any];
  const planned = Array.from({ length: count }, () =>
    ivr !== undefined && rng.chance(0.3)
      ? { kind: 'flow.outcome' as const, at: inside(ivr), from: ivr.from }
      : { kind: 'attributes' as const, at: inside(rng.pick(all)), from: 0 },
  ).sort((a, b) => a.at - b.at);
  const attributes: Record<string, string> = {};
  for (const extra of planned) {
    if (extra.kind === 'flow.outcome') {
      const outcomeStart = rng.int(extra.from, extra.at);
      emitExtra('flow.outcome', extra.at, {
        flowOutcomeId: rng.pick(centre.flowOutcomeIds),
        flowOutcomeValue: rng.chance(0.8) ? 'SUCCESS' : 'FAILURE',
        flowOutcomeStartTime: outcomeStart,
        flowOutcomeEndTime: extra.at,
        flowMilestones: [
          { milestoneId: rng.pick(centre.milestoneIds), milestoneTime: rng.int(outcomeStart, extra.at) },
        ],
      });
    } else {
      const [key, values] = rng.pick(ATTRIBUTE_VALUES);
      attributes[key] = rng.pick(values);
      emitExtra('attributes', extra.at, { attributes: { ...attributes } });
    }
  }
}

function commonFields(rng: SeededRandom, centre: ContactCentre, mediaType: MediaType, contact?: string): Fields {
  const base: Fields = {
    mediaType,
    provider: MEDIA_PROFILES[mediaType].provider,
    direction: 'INBOUND',
    ...(contact === undefined ? {} : { conversationExternalContactIds: [contact] }),
  };
  if (mediaType === 'VOICE') return { ...base, ani: randomPhoneNumber(rng), dnis: rng.pick(centre.voiceNumbers) };
  if (mediaType === 'CHAT') return base;
  const messageType = rng.weighted(MESSAGE_MIX);
  if (messageType === 'SMS' || messageType === 'WHATSAPP') {
    const from = randomPhoneNumber(rng);
    return { ...base, messageType, ani: from, dnis: centre.smsNumber, addressFrom: from, addressTo: centre.smsNumber };
  }
  return { ...base, messageType, addressFrom: rng.uuid(), addressTo: centre.webMessagingDeploymentId };
}
