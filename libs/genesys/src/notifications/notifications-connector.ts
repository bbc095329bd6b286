import type { GenesysLogger } from '../logger';
import type { GapRecorder, MessageSink } from './message-sink';
import type { ChannelSettings, ChannelStatus } from './channel-types';
import { NotificationChannel } from './notification-channel';
import type { NotificationsApi, RejectedTopic } from './notifications-api';
import { allocateTopics } from './topic-allocation';

export interface NotificationsConnectorOptions {
  topics: readonly string[];
  api: Pick<NotificationsApi, 'createChannel' | 'replaceSubscriptions' | 'channelExists'>;
  tokens: { invalidateAll(): void };
  sink: MessageSink;
  gaps: GapRecorder;
  settings: ChannelSettings;
  logger: GenesysLogger;
  topicsPerChannel?: number;
}

export type ConnectorState = 'starting' | 'connected' | 'degraded' | 'stopped';

export interface ConnectorStatus {
  state: ConnectorState;
  topics: { requested: number; subscribed: number; rejected: RejectedTopic[] };
  reconnects: number;
  handovers: number;
  messagesReceived: number;
  channels: ChannelStatus[];
}

/**
 * The Notifications API consumer: `GENESYS_TOPICS` spread over as many channels as the 1,000-topic limit needs,
 * each kept connected on its own, every message handed to the ingest sink.
 */
export class NotificationsConnector {
  private readonly channels: NotificationChannel[];
  private stopped = false;

  constructor(options: NotificationsConnectorOptions) {
    const allocation = allocateTopics(options.topics, options.topicsPerChannel);
    this.channels = allocation.map(
      (topics, index) =>
        new NotificationChannel(
          index,
          topics,
          { api: options.api, onTokenRevoked: () => options.tokens.invalidateAll(), sink: options.sink, gaps: options.gaps, logger: options.logger },
          options.settings,
        ),
    );
    options.logger.info({ topics: options.topics.length, channels: this.channels.length }, 'Notifications API connector configured');
  }

  start(): void {
    for (const channel of this.channels) channel.start();
  }

  /** Closes every socket and waits up to `deadlineMs` for messages already read to be stored; returns those left. */
  async stop(deadlineMs = 10_000): Promise<number> {
    this.stopped = true;
    const left = await Promise.all(this.channels.map((channel) => channel.stop(deadlineMs)));
    return left.reduce((sum, count) => sum + count, 0);
  }

  status(): ConnectorStatus {
    const channels = this.channels.map((channel) => channel.status());
    const connected = channels.filter((channel) => channel.phase === 'connected').length;
    const everConnected = channels.some((channel) => channel.phase !== 'starting');
    const state: ConnectorState = this.stopped
      ? 'stopped'
      : connected === channels.length
        ? 'connected'
        : everConnected
          ? 'degraded'
          : 'starting';
    return {
      state,
      topics: {
        requested: channels.reduce((sum, channel) => sum + channel.topics, 0),
        subscribed: channels.reduce((sum, channel) => sum + channel.subscribed, 0),
        rejected: channels.flatMap((channel) => channel.rejected),
      },
      reconnects: channels.reduce((sum, channel) => sum + channel.reconnects, 0),
      handovers: channels.reduce((sum, channel) => sum + channel.handovers, 0),
      messagesReceived: channels.reduce((sum, channel) => sum + channel.messagesReceived, 0),
      channels,
    };
  }
}
