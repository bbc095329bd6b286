/**
 * The shapes the simulator emits, as Genesys sends them (see /shared/genesys/README.md §1–2). Field names follow the
 * detail-event models of the Genesys SDKs; only the fields the simulator fills are listed, all optional but the ids
 * and eventTime, because Genesys itself promises nothing more.
 */
export const DETAIL_EVENT_KINDS = [
  'customer.start',
  'customer.end',
  'flow.start',
  'flow.outcome',
  'flow.end',
  'acd.start',
  'acd.end',
  'user.start',
  'user.end',
  'acw',
  'attributes',
] as const;
export type DetailEventKind = (typeof DETAIL_EVENT_KINDS)[number];

export type MediaType = 'VOICE' | 'CHAT' | 'MESSAGE';
export type MessageType = 'SMS' | 'WEBMESSAGING' | 'WHATSAPP' | 'FACEBOOK';
export type AcdOutcome = 'ABANDON' | 'ANSWERED' | 'FLOW_OUT';
export type DisconnectType = 'ENDPOINT' | 'CLIENT' | 'PEER' | 'TRANSFER' | 'SYSTEM';

export interface DetailEventBody {
  /** Epoch milliseconds (integer), as in every detail event. */
  eventTime: number;
  conversationId: string;
  participantId: string;
  sessionId?: string;
  mediaType?: MediaType;
  provider?: string;
  direction?: 'INBOUND' | 'OUTBOUND';
  ani?: string;
  dnis?: string;
  addressFrom?: string;
  addressTo?: string;
  messageType?: MessageType;
  divisionId?: string;
  externalContactId?: string;
  conversationExternalContactIds?: string[];
  queueId?: string;
  userId?: string;
  routingPriority?: number;
  requestedRoutingSkillIds?: string[];
  acdOutcome?: AcdOutcome;
  answeredUserId?: string;
  requestedRoutings?: string[];
  usedRouting?: string;
  connectedDurationMs?: number;
  disconnectType?: DisconnectType;
  interactingDurationMs?: number;
  heldDurationMs?: number;
  alertingDurationMs?: number;
  wrapupCode?: string;
  wrapupNotes?: string;
  wrapupDurationMs?: number;
  flowId?: string;
  flowType?: string;
  flowVersion?: string;
  exitReason?: string;
  transferType?: string;
  flowOutcomeId?: string;
  flowOutcomeValue?: 'SUCCESS' | 'FAILURE';
  flowOutcomeStartTime?: number;
  flowOutcomeEndTime?: number;
  flowMilestones?: { milestoneId: string; milestoneTime: number }[];
  attributes?: Record<string, string>;
  communications?: { id: string; mediaType: MediaType }[];
}

/** A Notifications API message; also the `detail` of an EventBridge event. */
export interface NotificationMessage {
  /** The real topic, ids included: `v2.detail.events.conversation.<conversationId>.<kind>`. */
  topicName: string;
  version: string;
  eventBody: DetailEventBody;
  metadata: { CorrelationId: string };
  /** ISO 8601 with milliseconds: when Genesys published it (a little after eventTime). */
  timestamp: string;
}

/** An AWS EventBridge event from the Genesys partner event source. */
export interface EventBridgeEvent {
  version: '0';
  /** EventBridge's own id: a redelivery may carry a new one, so the ledger dedupes on content. */
  id: string;
  /** The topic template with ids replaced by `{id}`. */
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601, whole seconds. */
  time: string;
  region: string;
  resources: string[];
  detail: NotificationMessage;
}

export const detailTopic = (conversationId: string, kind: DetailEventKind): string =>
  ['v2.detail.events.conversation', conversationId, kind].join('.');
