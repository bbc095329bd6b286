import type { DetailEventKind } from '../events/topic-catalogue';
import sdkFields from './baseline/detail-event-eventBody-fields.from-python-sdk-257.1.0.json';
import { baselineFromSdkModel, type EventTypeBaseline, type SdkFieldList } from './sdk-field-baseline';

/** Where the detail-event baseline comes from (copied verbatim from `../shared/genesys/schemas`). */
export const DETAIL_EVENT_BASELINE_SOURCE = 'genesys-cloud python SDK 257.1.0 detail-event eventBody models';

/**
 * The SDK model of each detail-event kind. A `Record` over `DetailEventKind`: a kind added to the topic catalogue
 * does not compile until it has a baseline here.
 */
export const DETAIL_EVENT_MODELS: Readonly<Record<DetailEventKind, string>> = {
  'customer.start': 'CustomerStartDetailEventTopicCustomerStartEvent',
  'customer.end': 'CustomerEndDetailEventTopicCustomerEndEvent',
  'acd.start': 'AcdStartDetailEventTopicAcdStartEvent',
  'acd.end': 'AcdEndDetailEventTopicAcdEndEvent',
  'user.start': 'UserStartDetailEventTopicUserStartEvent',
  'user.end': 'UserEndDetailEventTopicUserEndEvent',
  acw: 'AcwDetailEventTopicAfterCallWorkEvent',
  wrapup: 'WrapupDetailEventTopicWrapupEvent',
  attributes: 'AttributeDetailEventTopicAttributeUpdateEvent',
  contact: 'ContactDetailEventTopicContactUpdateEvent',
  'flow.start': 'FlowStartDetailEventTopicFlowStartEvent',
  'flow.end': 'FlowEndDetailEventTopicFlowEndEvent',
  'flow.outcome': 'FlowOutcomeDetailEventTopicFlowOutcomeEvent',
  outbound: 'OutboundDetailEventTopicOutboundInitEvent',
  'voicemail.start': 'VoicemailStartDetailEventTopicVoicemailStartEvent',
  'voicemail.end': 'VoicemailEndDetailEventTopicVoicemailEndEvent',
};

/** A set of baselines by event type (the topic template). */
export interface SchemaBaseline {
  source: string;
  forEventType(eventType: string): EventTypeBaseline | undefined;
  eventTypes(): string[];
}

const DETAIL_PREFIX = 'v2.detail.events.conversation.';

/**
 * The kind of a detail-event type: `v2.detail.events.conversation.{id}.acd.end` → `acd.end`. Topics that name the
 * conversation only in the body have no `{id}` segment and map to the same kind.
 */
export function detailKindOfEventType(eventType: string): DetailEventKind | null {
  if (!eventType.startsWith(DETAIL_PREFIX)) return null;
  const rest = eventType.slice(DETAIL_PREFIX.length);
  const kind = rest.startsWith('{id}.') ? rest.slice('{id}.'.length) : rest;
  return Object.hasOwn(DETAIL_EVENT_MODELS, kind) ? (kind as DetailEventKind) : null;
}

/** Builds the detail-event baseline from an SDK field list (the shipped one by default). */
export function detailEventBaseline(list: SdkFieldList = sdkFields, source = DETAIL_EVENT_BASELINE_SOURCE): SchemaBaseline {
  const byKind = new Map<DetailEventKind, EventTypeBaseline>();
  for (const [kind, model] of Object.entries(DETAIL_EVENT_MODELS) as [DetailEventKind, string][]) {
    byKind.set(kind, baselineFromSdkModel(`${DETAIL_PREFIX}{id}.${kind}`, model, list));
  }
  return {
    source,
    forEventType(eventType) {
      const kind = detailKindOfEventType(eventType);
      return kind === null ? undefined : byKind.get(kind);
    },
    eventTypes: () => [...byKind.values()].map((baseline) => baseline.eventType),
  };
}
