/**
 * The state of one interaction, in Genesys' analytics vocabulary (conversation → participant → segment).
 * Plain JSON: it is stored as jsonb and compared deep-equal, so optional fields are absent, never undefined.
 */

/** An open string union: known values autocomplete, new Genesys values still type-check. */
export type OpenEnum<Known extends string> = Known | (string & {});

export type InteractionPhase = 'ivr' | 'queued' | 'alerting' | 'connected' | 'held' | 'wrapup' | 'ended';

export type SegmentType = 'ivr' | 'queue' | 'alert' | 'interact' | 'hold' | 'wrapup';

export type MediaType = OpenEnum<'voice' | 'chat' | 'email' | 'message' | 'callback' | 'cobrowse' | 'video' | 'screenshare'>;
export type Direction = OpenEnum<'inbound' | 'outbound'>;
export type ParticipantPurpose = OpenEnum<'customer' | 'external' | 'ivr' | 'acd' | 'agent' | 'user' | 'voicemail' | 'unknown'>;
/** As Genesys detail events spell it (acd.end). */
export type AcdOutcome = OpenEnum<'ANSWERED' | 'ABANDON' | 'FLOW_OUT'>;

export interface InteractionSegment {
  segmentType: SegmentType;
  segmentStart: string;
  /** Null while the segment is open. */
  segmentEnd: string | null;
  queueId?: string;
  userId?: string;
  /** IVR segments: the Architect flow, so a flow handing over to another flow in the same millisecond is two segments. */
  flowId?: string;
  /** Analytics camelCase (`consultTransfer`), on the segment the disconnect ended. */
  disconnectType?: string;
  wrapUpCode?: string;
  /** Queue segments only: how the segment left the queue. */
  acdOutcome?: AcdOutcome;
  answeredUserId?: string;
}

/** Durations Genesys reported on user.end; when present they win over segment arithmetic. */
export interface ReportedDurations {
  interactingMs?: number;
  heldMs?: number;
  alertingMs?: number;
}

export interface InteractionParticipant {
  participantId: string;
  purpose: ParticipantPurpose;
  userId?: string;
  queueId?: string;
  /** When this participant's media leg disconnected (customer.end, user.end, or a terminated snapshot leg). */
  endedAt?: string;
  reported?: ReportedDurations;
  /** Sorted by segmentStart. Hold segments split the interact segment they interrupt, as in analytics. */
  segments: InteractionSegment[];
}

/** Milliseconds of closed segments (or reported durations), plus counts. */
export interface InteractionMetrics {
  tIvr: number;
  tAcd: number;
  tAlert: number;
  tTalk: number;
  tHeld: number;
  tAcw: number;
  tHandle: number;
  nTransferred: number;
  abandoned: boolean;
}

export interface InteractionState {
  conversationId: string;
  mediaType: MediaType | null;
  direction: Direction | null;
  ani: string | null;
  dnis: string | null;
  externalContactIds: string[];
  startedAt: string | null;
  endedAt: string | null;
  /** Null until something beyond the customer leg is known. */
  phase: InteractionPhase | null;
  queueIds: string[];
  userIds: string[];
  participants: InteractionParticipant[];
  acdOutcome: AcdOutcome | null;
  disconnectType: string | null;
  wrapupCodes: string[];
  attributes: Record<string, string>;
  metrics: InteractionMetrics;
  /** Latest eventTime among the applied events. */
  lastEventTime: string | null;
  /** Values of the projection version's fold extensions, by extension name; absent when there are none. */
  extensions?: Record<string, unknown>;
}

export function emptyMetrics(): InteractionMetrics {
  return { tIvr: 0, tAcd: 0, tAlert: 0, tTalk: 0, tHeld: 0, tAcw: 0, tHandle: 0, nTransferred: 0, abandoned: false };
}

export function initialInteractionState(conversationId: string): InteractionState {
  return {
    conversationId,
    mediaType: null,
    direction: null,
    ani: null,
    dnis: null,
    externalContactIds: [],
    startedAt: null,
    endedAt: null,
    phase: null,
    queueIds: [],
    userIds: [],
    participants: [],
    acdOutcome: null,
    disconnectType: null,
    wrapupCodes: [],
    attributes: {},
    metrics: emptyMetrics(),
    lastEventTime: null,
  };
}

/** A private copy `evolve` may change in place: the caller's state is never touched. */
export function cloneState(state: InteractionState): InteractionState {
  const clone: InteractionState = {
    ...state,
    externalContactIds: [...state.externalContactIds],
    queueIds: [...state.queueIds],
    userIds: [...state.userIds],
    wrapupCodes: [...state.wrapupCodes],
    attributes: { ...state.attributes },
    metrics: { ...state.metrics },
    participants: state.participants.map((p) => ({
      ...p,
      ...(p.reported ? { reported: { ...p.reported } } : {}),
      segments: p.segments.map((s) => ({ ...s })),
    })),
  };
  // The slot map only: extensions return new values instead of changing theirs.
  if (state.extensions !== undefined) clone.extensions = { ...state.extensions };
  return clone;
}
