import { type Body, count, record, list, text, texts, sortedUnique } from './body-fields';
import { normaliseDirection, normaliseDisconnectType, normaliseMediaType } from './casing';
import type { InteractionParticipant, InteractionState } from './interaction-state';
import { enterIvr, enterQueue, leaveIvr, leaveQueue } from './routing-segments';
import { connectAgent, endAgentLeg, endCustomerLeg, fillIdentity, openOf, openSegment, recordWrapup, upsertParticipant } from './segments';

/**
 * Handlers of the conversation detail events (genesys README §2). Each edits a private draft in place and is
 * idempotent. `atMs` is the event's business time; without it only time-free fields are applied.
 */

/** Fields present on most kinds. Customer-side kinds describe the conversation itself, so they overwrite. */
export function applyConversationFields(draft: InteractionState, body: Body, customerSide: boolean): void {
  const communications = list(body.communications).map((c) => text(record(c)?.mediaType));
  const mediaType = normaliseMediaType(text(body.mediaType) ?? communications.find((m) => m !== undefined));
  setField(draft, 'mediaType', mediaType, customerSide);
  setField(draft, 'direction', normaliseDirection(text(body.direction)), customerSide);
  setField(draft, 'ani', text(body.ani), customerSide);
  setField(draft, 'dnis', text(body.dnis), customerSide);
  addExternalContacts(draft, [...texts(body.conversationExternalContactIds), ...texts([body.externalContactId])]);
}

type SettableField = 'mediaType' | 'direction' | 'ani' | 'dnis';

export function setField(draft: InteractionState, field: SettableField, value: string | undefined, overwrite: boolean): void {
  if (value !== undefined && (overwrite || draft[field] === null)) draft[field] = value;
}

export function addExternalContacts(draft: InteractionState, ids: string[]): void {
  if (ids.length > 0) draft.externalContactIds = sortedUnique([...draft.externalContactIds, ...ids]);
}

/** Attribute maps are string to string; other scalars are kept as their text. Later events win per key. */
export function mergeAttributes(draft: InteractionState, attributes: unknown): void {
  const map = record(attributes);
  if (map === undefined) return;
  // The draft owns its map (cloneState), so it changes in place; it is rebuilt in key order only when a key is new
  // or the order is off (a state read back from jsonb). Copying and sorting on every event was 4% of a catch-up.
  const merged = draft.attributes;
  let added = false;
  for (const [key, value] of Object.entries(map)) {
    const kept = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    if (kept === undefined) continue;
    if (!Object.hasOwn(merged, key)) added = true;
    merged[key] = kept;
  }
  if (added || !inKeyOrder(merged)) draft.attributes = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function inKeyOrder(map: Record<string, string>): boolean {
  let previous: string | undefined;
  for (const key in map) {
    if (previous !== undefined && previous > key) return false;
    previous = key;
  }
  return true;
}

const disconnectOf = (body: Body) => normaliseDisconnectType(text(body.disconnectType));

function participantFor(draft: InteractionState, body: Body, purpose: string, fallbackId: string): InteractionParticipant {
  return upsertParticipant(draft, text(body.participantId) ?? fallbackId, purpose);
}

/** user.* and acw name the agent's participant; without a participant id, the user's latest leg is meant. */
function agentFor(draft: InteractionState, body: Body): InteractionParticipant | undefined {
  const userId = text(body.userId);
  const participantId = text(body.participantId);
  let p: InteractionParticipant | undefined;
  if (participantId !== undefined) p = upsertParticipant(draft, participantId, 'agent');
  else if (userId !== undefined) {
    p = draft.participants.filter((x) => x.userId === userId).at(-1) ?? upsertParticipant(draft, `user:${userId}`, 'agent');
  }
  if (p !== undefined) fillIdentity(p, { userId, queueId: text(body.queueId) });
  return p;
}

export function customerStart(draft: InteractionState, body: Body, atMs: number): void {
  const p = participantFor(draft, body, 'customer', 'customer');
  if (p.endedAt === undefined) openSegment(p, 'interact', atMs);
}

export function customerEnd(draft: InteractionState, body: Body, atMs: number): void {
  const p = participantFor(draft, body, 'customer', 'customer');
  endCustomerLeg(p, { atMs, disconnectType: disconnectOf(body), interactingMs: count(body.interactingDurationMs) });
}

/** In-queue flows (hold music, in-queue menus) run while the call waits: they are queue time, not IVR. */
function isInQueueFlow(body: Body): boolean {
  return text(body.flowType)?.toUpperCase().startsWith('INQUEUE') ?? false;
}

export function flowStart(draft: InteractionState, body: Body, atMs: number): void {
  if (isInQueueFlow(body)) return;
  enterIvr(draft, participantFor(draft, body, 'ivr', 'ivr'), atMs, text(body.flowId));
}

export function flowEnd(draft: InteractionState, body: Body, atMs: number): void {
  if (isInQueueFlow(body)) return;
  const p = participantFor(draft, body, 'ivr', 'ivr');
  leaveIvr(draft, p, { atMs, flowId: text(body.flowId), disconnectType: disconnectOf(body), durationMs: count(body.connectedDurationMs) });
}

export function acdStart(draft: InteractionState, body: Body, atMs: number): void {
  const queueId = text(body.queueId);
  enterQueue(draft, participantFor(draft, body, 'acd', `acd:${queueId ?? ''}`), queueId, atMs);
}

/** ANSWERED with answeredUserId is the moment the agent's interaction begins (the alert ends). */
export function acdEnd(draft: InteractionState, body: Body, atMs: number): void {
  const queueId = text(body.queueId);
  const acdOutcome = text(body.acdOutcome)?.toUpperCase();
  const answeredUserId = text(body.answeredUserId);
  const p = participantFor(draft, body, 'acd', `acd:${queueId ?? ''}`);
  const durationMs = count(body.connectedDurationMs);
  const closedNow = leaveQueue(draft, p, { atMs, queueId, acdOutcome, answeredUserId, durationMs, authoritative: true });
  if (!closedNow || acdOutcome !== 'ANSWERED' || answeredUserId === undefined) return;
  const agents = draft.participants.filter((x) => x.userId === answeredUserId && x.endedAt === undefined);
  // The latest offer to that user is the one answered.
  const agent = agents.filter((x) => openOf(x, ['alert']).length > 0).at(-1) ?? agents.at(-1);
  if (agent !== undefined) connectAgent(agent, atMs);
}

/**
 * user.start marks the alert. An agent-initiated outbound call (outbound, never queued) has no alert: the agent
 * is working the conversation from the start.
 */
export function userStart(draft: InteractionState, body: Body, atMs: number): void {
  const p = agentFor(draft, body);
  if (p === undefined || p.endedAt !== undefined || openOf(p, ['alert', 'interact', 'hold']).length > 0) return;
  const outbound = normaliseDirection(text(body.direction)) === 'outbound';
  const queued = draft.participants.some((x) => x.segments.some((s) => s.segmentType === 'queue'));
  if (outbound && !queued) connectAgent(p, atMs);
  else openSegment(p, 'alert', atMs);
}

export function userEnd(draft: InteractionState, body: Body, atMs: number): void {
  const p = agentFor(draft, body);
  if (p === undefined) return;
  const interactingMs = count(body.interactingDurationMs);
  const heldMs = count(body.heldDurationMs);
  const alertingMs = count(body.alertingDurationMs);
  endAgentLeg(p, { atMs, disconnectType: disconnectOf(body), interactingMs, alertingMs });
  const reported = { ...p.reported };
  if (interactingMs !== undefined) reported.interactingMs = interactingMs;
  if (heldMs !== undefined) reported.heldMs = heldMs;
  if (alertingMs !== undefined) reported.alertingMs = alertingMs;
  if (Object.keys(reported).length > 0) p.reported = reported;
}

/** acw and wrapup are emitted when after-call work completes: wrapup = [eventTime - wrapupDurationMs, eventTime]. */
export function afterCallWork(draft: InteractionState, body: Body, atMs: number): void {
  const p = text(body.userId) !== undefined ? agentFor(draft, body) : participantFor(draft, body, 'agent', 'agent');
  if (p === undefined) return;
  fillIdentity(p, { queueId: text(body.queueId) });
  recordWrapup(p, atMs, count(body.wrapupDurationMs) ?? 0, text(body.wrapupCode));
}

/** No segment type exists for voicemail in the analytics vocabulary: the participant is recorded, not a phase. */
export function voicemail(draft: InteractionState, body: Body): void {
  const p = participantFor(draft, body, 'voicemail', `voicemail:${text(body.userId) ?? text(body.queueId) ?? ''}`);
  fillIdentity(p, { userId: text(body.userId), queueId: text(body.queueId) });
}
