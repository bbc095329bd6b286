import { isoMs, toIso } from './body-fields';
import type { InteractionParticipant, InteractionSegment, InteractionState } from './interaction-state';
import { endMs, startMs } from './segments';

export type QueueSnapshotRoleKind = 'waiting' | 'alerting' | 'connected' | 'wrapup';

/** What an interaction adds to queue `queueId`'s snapshot at one instant. */
export interface QueueSnapshotRole {
  queueId: string;
  role: QueueSnapshotRoleKind;
  /** Since when: for `waiting`, the start of the queue wait (longest wait = at - since). */
  since: string;
  userId?: string;
}

const activeAt = (s: InteractionSegment, atMs: number): boolean =>
  startMs(s) <= atMs && (endMs(s) ?? Infinity) > atMs;

/**
 * For a state folded up to `atIso` (a fuller state works too: segments are read as of `atIso`), the roles the
 * interaction plays in each queue at that instant. A wait being offered to an agent counts as `alerting`, not
 * `waiting`, as in Genesys queue observations; hold counts as `connected`.
 */
export function queueSnapshotRole(state: InteractionState, atIso: string): QueueSnapshotRole[] {
  const atMs = isoMs(atIso);
  if (!Number.isFinite(atMs)) return [];
  if (state.endedAt !== null && isoMs(state.endedAt) <= atMs) return [];
  const roles: QueueSnapshotRole[] = [];
  const alertingQueues = new Set<string>();
  for (const p of state.participants) {
    const role = agentRole(p, atMs);
    if (role === undefined) continue;
    roles.push(role);
    if (role.role === 'alerting') alertingQueues.add(role.queueId);
  }
  for (const s of state.participants.flatMap((p) => p.segments)) {
    if (s.segmentType !== 'queue' || s.queueId === undefined || !activeAt(s, atMs) || alertingQueues.has(s.queueId)) continue;
    roles.push({ queueId: s.queueId, role: 'waiting', since: s.segmentStart });
  }
  return roles.sort((a, b) => (a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}

function agentRole(p: InteractionParticipant, atMs: number): QueueSnapshotRole | undefined {
  const active = p.segments.find((s) => s.segmentType !== 'queue' && s.segmentType !== 'ivr' && activeAt(s, atMs));
  const queueId = active?.queueId ?? p.queueId;
  if (active === undefined || queueId === undefined || p.userId === undefined) return undefined;
  const role: QueueSnapshotRoleKind =
    active.segmentType === 'alert' ? 'alerting' : active.segmentType === 'wrapup' ? 'wrapup' : 'connected';
  // A hold and the interact segment it split belong to one connection: report since the connection began.
  const since = role === 'connected' ? connectedSince(p, active) : active.segmentStart;
  return { queueId, role, since, userId: p.userId };
}

function connectedSince(p: InteractionParticipant, active: InteractionSegment): string {
  const leg = p.segments.filter((s) => (s.segmentType === 'interact' || s.segmentType === 'hold') && startMs(s) <= startMs(active));
  return toIso(Math.min(...leg.map(startMs)));
}

export interface QueueSnapshotSummary {
  waiting: number;
  alerting: number;
  connected: number;
  wrapup: number;
  longestWaitMs: number | null;
}

/** Counts and longest wait for one queue from the roles of all interactions at `atIso`. */
export function summariseQueueSnapshot(roles: readonly QueueSnapshotRole[], queueId: string, atIso: string): QueueSnapshotSummary {
  const mine = roles.filter((r) => r.queueId === queueId);
  const waits = mine.filter((r) => r.role === 'waiting').map((r) => isoMs(atIso) - isoMs(r.since));
  const countOf = (role: QueueSnapshotRoleKind) => mine.filter((r) => r.role === role).length;
  return {
    waiting: countOf('waiting'),
    alerting: countOf('alerting'),
    connected: countOf('connected'),
    wrapup: countOf('wrapup'),
    longestWaitMs: waits.length === 0 ? null : Math.max(...waits),
  };
}
