import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { judgeTopic, topicTemplate, type TopicVerdict } from './sim-topics';

export interface ChannelTimings {
  channelTtlMs: number;
  heartbeatIntervalMs: number;
  /** After a second socket connects, the first keeps its connection this long (it no longer receives). */
  replacedSocketCloseMs: number;
  /** After socket_closing, the socket is closed this long later whether or not a new one came. */
  socketClosingGraceMs: number;
}

export interface SimChannel {
  id: string;
  token: string;
  topics: Set<string>;
  expiresAt: number;
  socket: WebSocket | null;
  silenced: boolean;
  expiryTimer: NodeJS.Timeout | null;
  heartbeatTimer: NodeJS.Timeout | null;
}

export interface ChannelStats {
  channelsCreated: number;
  subscriptionPuts: number;
  socketsOpened: number;
  pingsReceived: number;
  heartbeatsSent: number;
  socketClosingsSent: number;
  forcedDrops: number;
}

const MAX_CHANNELS = 20;
const MAX_TOPICS = 1000;
const frame = (topicName: string, eventBody: Record<string, unknown>) => JSON.stringify({ topicName, eventBody });
const rawSocketOf = (socket: WebSocket): Socket => (socket as unknown as { _socket: Socket })._socket;

/** Channels, subscriptions and sockets with Genesys' rules: 1,000 topics, 20 channels, one socket per channel, 24 h. */
export class SimChannels {
  readonly channels = new Map<string, SimChannel>();
  readonly stats: ChannelStats = { channelsCreated: 0, subscriptionPuts: 0, socketsOpened: 0, pingsReceived: 0, heartbeatsSent: 0, socketClosingsSent: 0, forcedDrops: 0 };

  constructor(
    private readonly timings: () => ChannelTimings,
    private readonly streamingBase: () => string,
  ) {}

  create(token: string): { id: string; connectUri: string; expires: string } {
    if (this.channels.size >= MAX_CHANNELS) {
      const oldest = this.channels.values().next().value;
      if (oldest) this.remove(oldest, 'evicted: more than 20 channels');
    }
    const channel: SimChannel = { id: `streaming-0-${randomUUID()}`, token, topics: new Set(), expiresAt: 0, socket: null, silenced: false, expiryTimer: null, heartbeatTimer: null };
    this.channels.set(channel.id, channel);
    this.extend(channel);
    this.stats.channelsCreated += 1;
    return { id: channel.id, connectUri: `${this.streamingBase()}/channels/${channel.id}`, expires: new Date(channel.expiresAt).toISOString() };
  }

  /** PUT: replaces the topics (and extends the channel's life). Returns null over the 1,000-topic limit. */
  replace(channel: SimChannel, topics: string[]): { id: string; verdict: TopicVerdict }[] | null {
    if (topics.length > MAX_TOPICS) return null;
    this.stats.subscriptionPuts += 1;
    const verdicts = topics.map((id) => ({ id, verdict: judgeTopic(id) }));
    channel.topics = new Set(verdicts.filter((item) => item.verdict.state === 'Permitted').map((item) => item.id));
    this.extend(channel);
    return verdicts;
  }

  /** A new socket for a channel: it receives from now on; the previous one (if any) is closed shortly after. */
  attach(channel: SimChannel, socket: WebSocket): void {
    const previous = channel.socket;
    channel.socket = socket;
    this.stats.socketsOpened += 1;
    if (previous) setTimeout(() => previous.close(1000, 'replaced by a new connection'), this.timings().replacedSocketCloseMs).unref();
    socket.on('message', (data) => this.onClientFrame(channel, socket, data.toString()));
    socket.on('close', () => {
      if (channel.socket === socket) channel.socket = null;
    });
    socket.on('error', () => undefined);
    this.startHeartbeats(channel);
  }

  /** Sends to every channel subscribed to the topic (or to its `{id}` template). Counts channels reached and missed. */
  publish(message: { topicName: string }): { reached: number; missed: number } {
    const text = JSON.stringify(message);
    const template = topicTemplate(message.topicName);
    let reached = 0;
    let missed = 0;
    for (const channel of this.channels.values()) {
      if (!channel.topics.has(message.topicName) && !channel.topics.has(template)) continue;
      const socket = channel.socket;
      if (socket && socket.readyState === WebSocket.OPEN && !channel.silenced) {
        socket.send(text);
        reached += 1;
      } else {
        missed += 1;
      }
    }
    return { reached, missed };
  }

  /** Server drop: routing stops at once, what was sent is flushed, then TCP ends without a close frame (1006). */
  drop(channel: SimChannel): void {
    const socket = channel.socket;
    if (!socket) return;
    channel.socket = null;
    this.stats.forcedDrops += 1;
    const raw = rawSocketOf(socket);
    raw.end();
    setTimeout(() => raw.destroy(), 1_000).unref();
  }

  sendSocketClosing(channel: SimChannel): void {
    const socket = channel.socket;
    if (!socket) return;
    socket.send(frame('v2.system.socket_closing', { message: 'closing for maintenance' }));
    this.stats.socketClosingsSent += 1;
    setTimeout(() => {
      if (socket.readyState === WebSocket.OPEN) socket.close(1001, 'maintenance');
    }, this.timings().socketClosingGraceMs).unref();
  }

  /** Genesys revoked the token this channel was created with: it says so on the socket, then the channel is gone. */
  revoke(channel: SimChannel): void {
    channel.socket?.send(frame(`v2.system.token_revoked.${channel.id}`, { message: 'token revoked' }));
    this.remove(channel, 'token revoked');
  }

  unsubscribe(channel: SimChannel): void {
    channel.topics.clear();
    channel.socket?.send(frame(`v2.system.no_longer_subscribed.${channel.id}`, { message: 'no longer subscribed' }));
  }

  remove(channel: SimChannel, reason: string): void {
    this.channels.delete(channel.id);
    if (channel.expiryTimer) clearTimeout(channel.expiryTimer);
    if (channel.heartbeatTimer) clearInterval(channel.heartbeatTimer);
    const socket = channel.socket;
    channel.socket = null;
    if (socket) setTimeout(() => socket.close(1000, reason.slice(0, 100)), 20).unref();
  }

  closeAll(): void {
    for (const channel of [...this.channels.values()]) this.remove(channel, 'simulator stopping');
  }

  private extend(channel: SimChannel): void {
    const ttl = this.timings().channelTtlMs;
    channel.expiresAt = Date.now() + ttl;
    if (channel.expiryTimer) clearTimeout(channel.expiryTimer);
    channel.expiryTimer = setTimeout(() => this.remove(channel, 'channel expired'), ttl);
    channel.expiryTimer.unref();
  }

  private startHeartbeats(channel: SimChannel): void {
    const every = this.timings().heartbeatIntervalMs;
    if (channel.heartbeatTimer || every <= 0) return;
    channel.heartbeatTimer = setInterval(() => {
      if (!channel.socket || channel.silenced || channel.socket.readyState !== WebSocket.OPEN) return;
      channel.socket.send(frame('channel.metadata', { message: 'WebSocket Heartbeat' }));
      this.stats.heartbeatsSent += 1;
    }, every);
    channel.heartbeatTimer.unref();
  }

  private onClientFrame(channel: SimChannel, socket: WebSocket, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message !== null && typeof message === 'object' && (message as Record<string, unknown>)['message'] === 'ping') {
      this.stats.pingsReceived += 1;
      if (!channel.silenced && socket.readyState === WebSocket.OPEN) socket.send(frame('channel.metadata', { message: 'pong' }));
    }
  }
}
