import type { MediaType, MessageType } from './genesys-messages';
import type { SeededRandom } from './seeded-random';

/** How one media type behaves: who provides it, which inbound flow runs, and how long each phase lasts (ms). */
export interface MediaProfile {
  provider: string;
  flowType: string;
  ivrMs: readonly [number, number];
  meanWaitMs: number;
  alertMs: readonly [number, number];
  talkMedianMs: number;
  talkMaxMs: number;
  /** Only voice calls are put on hold in practice. */
  holdable: boolean;
  acwMs: readonly [number, number];
}

export const MEDIA_PROFILES: Record<MediaType, MediaProfile> = {
  VOICE: {
    provider: 'Edge',
    flowType: 'INBOUNDCALL',
    ivrMs: [8_000, 60_000],
    meanWaitMs: 40_000,
    alertMs: [3_000, 15_000],
    talkMedianMs: 240_000,
    talkMaxMs: 1_800_000,
    holdable: true,
    acwMs: [10_000, 90_000],
  },
  CHAT: {
    provider: 'PureCloud Webchat v2',
    flowType: 'INBOUNDCHAT',
    ivrMs: [1_000, 6_000],
    meanWaitMs: 60_000,
    alertMs: [2_000, 10_000],
    talkMedianMs: 480_000,
    talkMaxMs: 2_700_000,
    holdable: false,
    acwMs: [10_000, 60_000],
  },
  MESSAGE: {
    provider: 'PureCloud Messaging',
    flowType: 'INBOUNDSHORTMESSAGE',
    ivrMs: [500, 4_000],
    meanWaitMs: 120_000,
    alertMs: [2_000, 20_000],
    talkMedianMs: 900_000,
    talkMaxMs: 5_400_000,
    holdable: false,
    acwMs: [10_000, 60_000],
  },
};

export const MEDIA_MIX: readonly (readonly [MediaType, number])[] = [
  ['VOICE', 0.6],
  ['CHAT', 0.25],
  ['MESSAGE', 0.15],
];

export const MESSAGE_MIX: readonly (readonly [MessageType, number])[] = [
  ['WEBMESSAGING', 0.45],
  ['SMS', 0.3],
  ['WHATSAPP', 0.15],
  ['FACEBOOK', 0.1],
];

/** The org the traffic comes from: every id is drawn from the seed, so two runs with one seed share them. */
export interface ContactCentre {
  orgId: string;
  divisionId: string;
  queueIds: string[];
  agentIds: string[];
  flowIds: Record<MediaType, string>;
  wrapupCodeIds: string[];
  flowOutcomeIds: string[];
  milestoneIds: string[];
  skillIds: string[];
  /** Toll-free numbers customers dial, `tel:+1800...`. */
  voiceNumbers: string[];
  smsNumber: string;
  webMessagingDeploymentId: string;
}

export function buildContactCentre(rng: SeededRandom, queues: number, agents: number): ContactCentre {
  const ids = (n: number): string[] => Array.from({ length: n }, () => rng.uuid());
  return {
    orgId: rng.uuid(),
    divisionId: rng.uuid(),
    queueIds: ids(Math.max(1, queues)),
    agentIds: ids(Math.max(2, agents)),
    flowIds: { VOICE: rng.uuid(), CHAT: rng.uuid(), MESSAGE: rng.uuid() },
    wrapupCodeIds: ids(8),
    flowOutcomeIds: ids(5),
    milestoneIds: ids(6),
    skillIds: ids(6),
    voiceNumbers: Array.from({ length: 3 }, () => `tel:+1800555${String(rng.int(0, 9999)).padStart(4, '0')}`),
    smsNumber: `tel:+1${rng.int(201, 989)}555${String(rng.int(0, 9999)).padStart(4, '0')}`,
    webMessagingDeploymentId: rng.uuid(),
  };
}

export function randomPhoneNumber(rng: SeededRandom): string {
  return `tel:+1${rng.int(201, 989)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

/**
 * Which agent takes the next offer. Voice ties an agent up from alert to the end of wrap-up, so a voice offer goes
 * to an agent free at that moment when there is one; digital media are worked concurrently and go to anyone.
 */
export class AgentRoster {
  private readonly busyUntil = new Map<string, number>();

  constructor(private readonly agentIds: readonly string[]) {}

  pick(rng: SeededRandom, at: number, exclusive: boolean, exclude?: string): string {
    const candidates = this.agentIds.filter((id) => id !== exclude);
    if (!exclusive) return rng.pick(candidates);
    const free = candidates.filter((id) => (this.busyUntil.get(id) ?? 0) <= at);
    if (free.length > 0) return rng.pick(free);
    // Everyone is busy: the least busy agent takes it (an overlap the ledger must cope with anyway).
    return candidates.reduce((best, id) =>
      (this.busyUntil.get(id) ?? 0) < (this.busyUntil.get(best) ?? 0) ? id : best,
    );
  }

  book(userId: string, until: number): void {
    this.busyUntil.set(userId, Math.max(until, this.busyUntil.get(userId) ?? 0));
  }
}
