import { v5 as uuidv5 } from 'uuid';
import { canonicalJson } from '../../events/canonical-json';
import type { DetailEventKind } from '../event-kind';
import type { FoldableEvent } from '../foldable-event';

/**
 * Builds realistic Genesys bodies for a scripted conversation: detail events (eventTime in epoch ms, fields from
 * the SDK models) and user-topic conversation snapshots. Offsets are ms from the script's start; ids are
 * deterministic, so the same script always yields the same events (and event ids, like ingest's v5 ids).
 */

const SCRIPT_NAMESPACE = '6f1d8a52-3c0e-5b8e-9a51-2f7d6c0b4e11';

export interface ConversationScriptOptions {
  conversationId?: string;
  /** Epoch ms of offset 0. Default 2025-04-10T10:14:00Z. */
  startMs?: number;
  /** Detail-event spelling: VOICE, CHAT, EMAIL, MESSAGE, CALLBACK (or any new value). */
  mediaType?: string;
  direction?: string;
  ani?: string;
  dnis?: string;
  externalContactIds?: string[];
}

export type Fields = Record<string, unknown>;

export interface AgentLegSnapshot {
  /** Genesys leg state: alerting, connected, disconnected, terminated... */
  state: string;
  queueId?: string;
  held?: boolean;
  startHoldAt?: number;
  connectedAt?: number;
  disconnectedAt?: number;
  /** Notification-topic spelling, e.g. `transfer.consult`. */
  disconnectType?: string;
  afterCallWork?: { state: string; startAt?: number; endAt?: number };
  wrapupCode?: string;
}

const LEG_ARRAY: Readonly<Record<string, string>> = { VOICE: 'calls', CHAT: 'chats', EMAIL: 'emails', MESSAGE: 'messages', CALLBACK: 'callbacks' };

export { canonicalJson };

/**
 * A stored event as ingest would produce it: topic template, verbatim body, deterministic id, ISO business time.
 * The time joins the id because two real snapshots at different instants never have identical bodies, while a
 * scripted one may (a held: false leg carries no time of its own).
 */
export function foldableEvent(eventType: string, data: Fields, eventTimeMs: number | null): FoldableEvent {
  return {
    eventId: uuidv5(`${eventType}\n${eventTimeMs ?? ''}\n${canonicalJson(data)}`, SCRIPT_NAMESPACE),
    eventType,
    data,
    eventTime: eventTimeMs === null ? null : new Date(eventTimeMs).toISOString(),
  };
}

export const detailEventType = (kind: DetailEventKind): string => `v2.detail.events.conversation.{id}.${kind}`;

export class ConversationScript {
  readonly conversationId: string;
  readonly startMs: number;
  readonly events: FoldableEvent[] = [];
  private readonly media: string;
  private customerStartedAt: number | undefined;

  constructor(private readonly options: ConversationScriptOptions = {}) {
    this.conversationId = options.conversationId ?? uuidv5('conversation', SCRIPT_NAMESPACE);
    this.startMs = options.startMs ?? Date.UTC(2025, 3, 10, 10, 14, 0);
    this.media = options.mediaType ?? 'VOICE';
  }

  /** Deterministic participant ids, one per role (an agent gets one per user and visit). */
  participantId(role: 'customer' | 'ivr' | 'acd' | 'voicemail' | `agent:${string}`, visit = 0): string {
    return uuidv5(`${this.conversationId}/${role}/${visit}`, SCRIPT_NAMESPACE);
  }

  at(offsetMs: number): number {
    return this.startMs + offsetMs;
  }

  /** Any detail event: the common fields of the kind plus `fields`. */
  detail(kind: DetailEventKind, offsetMs: number, participantId: string, fields: Fields = {}): FoldableEvent {
    const eventTime = this.at(offsetMs);
    const session = kind === 'attributes'
      ? {}
      : {
          sessionId: uuidv5(`${participantId}/session`, SCRIPT_NAMESPACE),
          mediaType: this.media,
          provider: 'Edge',
          direction: this.options.direction ?? 'INBOUND',
          ani: this.options.ani ?? 'tel:+13175550100',
          dnis: this.options.dnis ?? 'tel:+18005550199',
        };
    const body: Fields = {
      eventTime,
      conversationId: this.conversationId,
      participantId,
      ...session,
      conversationExternalContactIds: this.options.externalContactIds ?? [],
      ...fields,
    };
    return this.record(foldableEvent(detailEventType(kind), body, eventTime));
  }

  customerStart(offsetMs: number, fields: Fields = {}): FoldableEvent {
    this.customerStartedAt ??= this.at(offsetMs);
    return this.detail('customer.start', offsetMs, this.participantId('customer'), fields);
  }

  customerEnd(offsetMs: number, fields: Fields = {}): FoldableEvent {
    const interactingDurationMs = this.at(offsetMs) - (this.customerStartedAt ?? this.startMs);
    return this.detail('customer.end', offsetMs, this.participantId('customer'), { disconnectType: 'PEER', interactingDurationMs, ...fields });
  }

  flowStart(offsetMs: number, fields: Fields = {}): FoldableEvent {
    return this.detail('flow.start', offsetMs, this.participantId('ivr'), { flowId: 'main-ivr', flowType: 'INBOUNDCALL', flowVersion: '3.0', ...fields });
  }

  flowEnd(offsetMs: number, fields: Fields = {}): FoldableEvent {
    return this.detail('flow.end', offsetMs, this.participantId('ivr'), {
      flowId: 'main-ivr', flowType: 'INBOUNDCALL', flowVersion: '3.0', disconnectType: 'TRANSFER', exitReason: 'TRANSFER', transferType: 'ACD', ...fields,
    });
  }

  /** Each queue visit (a transfer to a queue makes another) is its own acd participant. */
  acdStart(offsetMs: number, queueId: string, fields: Fields = {}, visit = 0): FoldableEvent {
    return this.detail('acd.start', offsetMs, this.participantId('acd', visit), { queueId, routingPriority: 0, ...fields });
  }

  acdEnd(offsetMs: number, queueId: string, acdOutcome: string, fields: Fields = {}, visit = 0): FoldableEvent {
    return this.detail('acd.end', offsetMs, this.participantId('acd', visit), { queueId, acdOutcome, usedRouting: 'STANDARD', ...fields });
  }

  userStart(offsetMs: number, userId: string, queueId: string | undefined, visit = 0): FoldableEvent {
    return this.detail('user.start', offsetMs, this.participantId(`agent:${userId}`, visit), queueId === undefined ? { userId } : { userId, queueId });
  }

  /** Durations as Genesys reports them: interactingDurationMs includes held time. */
  userEnd(offsetMs: number, userId: string, fields: Fields = {}, visit = 0): FoldableEvent {
    return this.detail('user.end', offsetMs, this.participantId(`agent:${userId}`, visit), { userId, disconnectType: 'CLIENT', ...fields });
  }

  acw(offsetMs: number, userId: string, fields: Fields = {}, visit = 0): FoldableEvent {
    return this.detail('acw', offsetMs, this.participantId(`agent:${userId}`, visit), { userId, ...fields });
  }

  wrapup(offsetMs: number, participantId: string, fields: Fields = {}): FoldableEvent {
    return this.detail('wrapup', offsetMs, participantId, fields);
  }

  attributes(offsetMs: number, attributes: Record<string, string>): FoldableEvent {
    return this.detail('attributes', offsetMs, this.participantId('customer'), { attributes, communications: [{ id: 'comm-1', mediaType: this.media }] });
  }

  /**
   * A `v2.users.{userId}.conversations` body: the whole conversation as that agent sees it, with the customer's
   * connected leg and the agent's leg as described. Its eventTime is the offset given.
   */
  agentSnapshot(offsetMs: number, userId: string, leg: AgentLegSnapshot, visit = 0): FoldableEvent {
    const iso = (offset: number | undefined) => (offset === undefined ? undefined : new Date(this.at(offset)).toISOString());
    const legs = LEG_ARRAY[this.media.toUpperCase()] ?? 'calls';
    const customerSince = new Date(this.customerStartedAt ?? this.startMs).toISOString();
    const acw = leg.afterCallWork;
    const body: Fields = {
      id: this.conversationId,
      participants: [
        {
          id: this.participantId('customer'), purpose: 'customer', connectedTime: customerSince, address: this.options.ani ?? 'tel:+13175550100',
          [legs]: [{ id: `${this.participantId('customer')}-leg`, state: 'connected', direction: (this.options.direction ?? 'INBOUND').toLowerCase(), connectedTime: customerSince, held: false }],
        },
        {
          id: this.participantId(`agent:${userId}`, visit), purpose: 'agent', userId, queueId: leg.queueId,
          connectedTime: iso(leg.connectedAt), endTime: iso(leg.disconnectedAt), wrapupRequired: acw !== undefined,
          [legs]: [{
            id: `${this.participantId(`agent:${userId}`, visit)}-leg`, state: leg.state, held: leg.held ?? false, startHoldTime: iso(leg.startHoldAt),
            direction: (this.options.direction ?? 'INBOUND').toLowerCase(), connectedTime: iso(leg.connectedAt), disconnectedTime: iso(leg.disconnectedAt),
            disconnectType: leg.disconnectType,
            afterCallWork: acw === undefined ? undefined : { state: acw.state, startTime: iso(acw.startAt), endTime: iso(acw.endAt) },
            wrapup: leg.wrapupCode === undefined ? undefined : { code: leg.wrapupCode },
          }],
        },
      ],
    };
    return this.record(foldableEvent('v2.users.{id}.conversations', JSON.parse(JSON.stringify(body)) as Fields, this.at(offsetMs)));
  }

  private record(event: FoldableEvent): FoldableEvent {
    this.events.push(event);
    return event;
  }
}
