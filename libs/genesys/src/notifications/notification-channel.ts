import { GenesysHttpError } from '../http/genesys-http-error';
import { backoffDelayMs } from '../http/retry-policy';
import type { ChannelDeps, ChannelPhase, ChannelSettings, ChannelStatus } from './channel-types';
import { GapTracker } from './gap-tracker';
import { MessagePump } from './message-pump';
import type { NotificationChannelInfo, RejectedTopic } from './notifications-api';
import { SocketSession } from './socket-session';
import type { SocketFrame } from './system-messages';

const DAY_MS = 24 * 60 * 60 * 1000;
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * One notification channel and its socket, kept alive: reconnects with backoff after drops, opens the next socket
 * before the old one closes on `socket_closing`, recreates the channel on `token_revoked` / `no_longer_subscribed`,
 * resubscribes before the channel expires, and records every interval without a socket as a gap.
 */
export class NotificationChannel {
  private info: NotificationChannelInfo | null = null;
  private session: SocketSession | null = null;
  private readonly retiring = new Set<SocketSession>();
  private phase: ChannelPhase = 'starting';
  private everConnected = false;
  private needsNewChannel = true;
  private recovery: Promise<void> | null = null;
  private handingOver = false;
  private renewTimer: NodeJS.Timeout | null = null;
  private lifetimeMs = DAY_MS;
  private expiresAt: number | null = null;
  private connectedSince: number | null = null;
  private lastMessageAt: number | null = null;
  private subscribed: string[] = [];
  private rejected: RejectedTopic[] = [];
  private lastError: string | null = null;
  private readonly counters = { messagesReceived: 0, reconnects: 0, handovers: 0, renewals: 0 };
  private readonly pump: MessagePump;
  private readonly gaps: GapTracker;
  private readonly now: () => number;

  constructor(
    readonly index: number,
    readonly topics: readonly string[],
    private readonly deps: ChannelDeps,
    private readonly settings: ChannelSettings,
  ) {
    this.now = deps.now ?? Date.now;
    this.pump = new MessagePump(deps.sink, settings.pump, (pause) => this.applyPressure(pause), deps.logger);
    this.gaps = new GapTracker(index, deps.gaps, deps.logger, this.now);
  }

  start(): void {
    this.recover('start', true);
  }

  /** Closes the sockets, then waits (up to `deadlineMs`) for messages already read to be stored. */
  async stop(deadlineMs: number): Promise<number> {
    this.phase = 'stopped';
    if (this.renewTimer) clearTimeout(this.renewTimer);
    for (const session of [this.session, ...this.retiring]) session?.close('connector stopping');
    this.session = null;
    this.closeGap();
    const left = await this.pump.drain(deadlineMs);
    this.pump.stop();
    return left;
  }

  status(): ChannelStatus {
    return {
      index: this.index,
      channelId: this.info?.id ?? null,
      phase: this.phase,
      topics: this.topics.length,
      subscribed: this.subscribed.length,
      rejected: this.rejected,
      connectedSince: this.phase === 'connected' ? isoOrNull(this.connectedSince) : null,
      expiresAt: isoOrNull(this.expiresAt),
      lastMessageAt: isoOrNull(this.lastMessageAt),
      ...this.counters,
      paused: this.pump.isPaused,
      pendingMessages: this.pump.pending,
      lastError: this.lastError,
      recentGaps: this.gaps.summaries(),
    };
  }

  private recover(reason: string, newChannel: boolean): void {
    if (this.isStopped()) return;
    if (newChannel) this.needsNewChannel = true;
    this.openGap(reason);
    if (this.recovery) return;
    if (this.phase !== 'starting') this.phase = 'recovering';
    this.recovery = this.recoverUntilConnected().finally(() => {
      this.recovery = null;
    });
  }

  private async recoverUntilConnected(): Promise<void> {
    for (let attempt = 0; !this.isStopped(); attempt += 1) {
      if (attempt > 0) await sleep(backoffDelayMs(attempt, this.settings.reconnectInitialMs, this.settings.reconnectMaxMs, this.deps.random));
      if (this.isStopped()) return;
      try {
        await this.establish();
        return;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.deps.logger.warn({ channel: this.index, attempt: attempt + 1, err: this.lastError }, 'notification channel not connected; retrying with backoff');
      }
    }
  }

  /** Reuses the channel when Genesys still has it (HEAD), else creates and subscribes a new one; then connects. */
  private async establish(): Promise<void> {
    if (!this.needsNewChannel && this.info && !(await this.deps.api.channelExists(this.info.id))) this.needsNewChannel = true;
    if (this.needsNewChannel || !this.info) {
      const info = await this.deps.api.createChannel();
      this.info = info;
      this.lifetimeMs = info.expiresAt ? Math.max(1_000, info.expiresAt.getTime() - this.now()) : DAY_MS;
      await this.subscribe(info);
      this.needsNewChannel = false;
    }
    const session = await this.openSession(this.info.connectUri);
    if (this.isStopped()) {
      session.close('connector stopping');
      return;
    }
    this.attach(session);
    if (this.everConnected) this.counters.reconnects += 1;
    this.everConnected = true;
    this.phase = 'connected';
    this.connectedSince = this.now();
    this.lastError = null;
    this.closeGap();
    this.deps.logger.info({ channel: this.index, channelId: this.info.id, topics: this.subscribed.length }, 'notification channel connected');
  }

  private async subscribe(info: NotificationChannelInfo): Promise<void> {
    const outcome = await this.deps.api.replaceSubscriptions(info.id, this.topics);
    this.subscribed = outcome.subscribed;
    this.rejected = outcome.rejected;
    this.expiresAt = this.now() + this.lifetimeMs;
    if (outcome.rejected.length > 0) {
      this.deps.logger.warn(
        { channel: this.index, rejected: outcome.rejected.slice(0, 20), rejectedCount: outcome.rejected.length },
        'Genesys rejected some topics; they are not delivered',
      );
    }
    this.scheduleRenewal();
  }

  private scheduleRenewal(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), this.lifetimeMs * this.settings.renewAtFraction);
    this.renewTimer.unref();
  }

  /** PUT subscriptions again: Genesys extends the channel's life; the socket stays up throughout. */
  private async renew(): Promise<void> {
    const info = this.info;
    if (!info || this.isStopped()) return;
    if (this.recovery) {
      // Reconnecting right now; the channel still needs its renewal once that is done.
      this.retryRenewalSoon();
      return;
    }
    try {
      await this.subscribe(info);
      this.counters.renewals += 1;
      this.deps.logger.info({ channel: this.index, channelId: info.id, expiresAt: isoOrNull(this.expiresAt) }, 'notification channel renewed');
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      if (error instanceof GenesysHttpError && error.status === 404) {
        this.retire(this.session, 'channel gone');
        this.recover('channel expired', true);
        return;
      }
      this.deps.logger.warn({ channel: this.index, err: this.lastError }, 'channel renewal failed; trying again soon');
      this.retryRenewalSoon();
    }
  }

  private retryRenewalSoon(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), Math.min(30_000, this.lifetimeMs * 0.05));
    this.renewTimer.unref();
  }

  /** `socket_closing`: connect the next socket first; the old one keeps delivering until it closes. */
  private async handover(from: SocketSession): Promise<void> {
    if (this.handingOver || !this.info) return;
    this.handingOver = true;
    try {
      for (let attempt = 1; attempt <= 5 && !this.isStopped() && this.session === from; attempt += 1) {
        try {
          const next = await this.openSession(this.info.connectUri);
          if (this.session !== from || this.isStopped()) {
            next.close('handover no longer needed');
            return;
          }
          this.retiring.add(from);
          this.attach(next);
          this.counters.handovers += 1;
          setTimeout(() => from.close('replaced after socket_closing'), this.settings.handoverGraceMs).unref();
          this.deps.logger.info({ channel: this.index }, 'socket replaced after socket_closing, without a gap');
          return;
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          await sleep(backoffDelayMs(attempt, this.settings.reconnectInitialMs, this.settings.reconnectMaxMs, this.deps.random));
        }
      }
    } finally {
      this.handingOver = false;
    }
  }

  /** A method, not a field test: the phase changes across awaits, which narrowing cannot see. */
  private isStopped(): boolean {
    return this.phase === 'stopped';
  }

  private openSession(url: string): Promise<SocketSession> {
    return SocketSession.open(url, this.settings, { onFrame: (frame, session) => this.onFrame(frame, session), onClose: (reason, session) => this.onClose(reason, session) }, this.now);
  }

  private attach(session: SocketSession): void {
    this.session = session;
    if (this.pump.isPaused) session.pause();
  }

  private retire(session: SocketSession | null, reason: string): void {
    if (!session) return;
    this.retiring.add(session);
    if (this.session === session) this.session = null;
    session.close(reason);
  }

  private onFrame(frame: Exclude<SocketFrame, { kind: 'heartbeat' | 'pong' }>, session: SocketSession): void {
    switch (frame.kind) {
      case 'event':
        this.counters.messagesReceived += 1;
        this.lastMessageAt = this.now();
        this.pump.push(frame.message);
        return;
      case 'socket-closing':
        if (session === this.session) void this.handover(session);
        return;
      case 'token-revoked':
      case 'no-longer-subscribed': {
        if (session !== this.session) return;
        const reason = frame.kind === 'token-revoked' ? 'token revoked' : 'no longer subscribed';
        if (frame.kind === 'token-revoked') this.deps.onTokenRevoked();
        this.deps.logger.warn({ channel: this.index, topicName: frame.topicName }, `${reason}: recreating the channel`);
        this.recover(reason, true);
        this.retire(session, reason);
        return;
      }
      case 'unreadable':
        this.deps.logger.debug({ channel: this.index, reason: frame.reason }, 'ignored an unreadable frame');
        return;
      default: {
        const exhaustive: never = frame;
        return exhaustive;
      }
    }
  }

  private onClose(reason: string, session: SocketSession): void {
    if (this.retiring.delete(session)) return;
    if (session !== this.session) return;
    this.session = null;
    this.deps.logger.warn({ channel: this.index, reason }, 'notification socket lost; reconnecting');
    this.recover(reason, false);
  }

  private applyPressure(pause: boolean): void {
    for (const session of [this.session, ...this.retiring]) {
      if (pause) session?.pause();
      else session?.resume();
    }
  }

  private openGap(reason: string): void {
    if (this.everConnected && !this.isStopped()) this.gaps.start(reason, this.info?.id ?? null);
  }

  private closeGap(): void {
    this.gaps.end();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
