import type { GenesysLogger } from '../logger';
import type { GapSummary } from './gap-tracker';
import type { PumpSettings } from './message-pump';
import type { GapRecorder, MessageSink } from './message-sink';
import type { NotificationsApi, RejectedTopic } from './notifications-api';
import type { SocketTimings } from './socket-session';

export interface ChannelSettings extends SocketTimings {
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** Share of the channel's lifetime after which it is resubscribed (Genesys drops channels after 24 h). */
  renewAtFraction: number;
  /** After a handover, how long the replaced socket may keep delivering before it is closed from our side. */
  handoverGraceMs: number;
  pump: PumpSettings;
}

export interface ChannelDeps {
  api: Pick<NotificationsApi, 'createChannel' | 'replaceSubscriptions' | 'channelExists'>;
  /** Genesys revoked the token: drop it so the next call fetches another. */
  onTokenRevoked(): void;
  sink: MessageSink;
  gaps: GapRecorder;
  logger: GenesysLogger;
  now?: () => number;
  random?: () => number;
}

export type ChannelPhase = 'starting' | 'connected' | 'recovering' | 'stopped';

export interface ChannelStatus {
  index: number;
  channelId: string | null;
  phase: ChannelPhase;
  topics: number;
  subscribed: number;
  rejected: RejectedTopic[];
  connectedSince: string | null;
  expiresAt: string | null;
  lastMessageAt: string | null;
  messagesReceived: number;
  reconnects: number;
  handovers: number;
  renewals: number;
  paused: boolean;
  pendingMessages: number;
  lastError: string | null;
  recentGaps: GapSummary[];
}
