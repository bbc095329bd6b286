import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { SimChannels, type ChannelTimings, type SimChannel } from './sim-channels';
import { SimHttp, type InjectedFailure } from './sim-http';
import { SimTokens } from './sim-tokens';

export interface GenesysSimOptions {
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** `expires_in` of the tokens it issues (Genesys: 86399). */
  tokenTtlSeconds?: number;
  channelTtlMs?: number;
  /** 0: no heartbeats (the client's pings then keep the line alive). */
  heartbeatIntervalMs?: number;
  replacedSocketCloseMs?: number;
  socketClosingGraceMs?: number;
}

export interface StreamReport {
  sent: number;
  /** Indexes of the messages that reached at least one socket. */
  delivered: number[];
  /** Indexes of the messages a subscribed channel missed because it had no socket: lost, as with Genesys. */
  missed: number[];
  /** Subscribed by no channel at all. */
  unrouted: number[];
  durationMs: number;
}

export interface StreamOptions {
  ratePerSecond: number;
  /** Run before message `index` is published (forced drops, socket_closing, ... at a known point of the script). */
  before?: Map<number, () => void | Promise<void>>;
  onProgress?: (sent: number) => void;
}

export const SIM_DEFAULTS = {
  clientId: 'sim-client',
  clientSecret: 'sim-secret-change-me',
  tokenTtlSeconds: 86_399,
  channelTtlMs: 24 * 60 * 60 * 1000,
  heartbeatIntervalMs: 30_000,
  replacedSocketCloseMs: 100,
  socketClosingGraceMs: 60_000,
};

/**
 * A Genesys Cloud stand-in for tests and local runs: OAuth client credentials, the channels and subscriptions API,
 * and notification sockets with heartbeats, pongs, socket_closing, forced drops, token revocation, 429 bursts and
 * scripted conversations. Login and API are served on the same origin (`GENESYS_LOGIN_BASE = GENESYS_API_BASE`).
 */
export class GenesysSimulator {
  readonly settings: Required<Omit<GenesysSimOptions, 'port' | 'host'>>;
  readonly tokens: SimTokens;
  readonly channels: SimChannels;
  readonly http: SimHttp;
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({ noServer: true });
  private baseUrl = '';
  private upgradesToRefuse = 0;
  /** WebSocket upgrade requests received, refused ones included. */
  upgradeAttempts = 0;

  private constructor(options: GenesysSimOptions) {
    this.settings = { ...SIM_DEFAULTS, ...withoutUndefined(options) };
    this.tokens = new SimTokens(this.settings.clientId, this.settings.clientSecret, () => this.settings.tokenTtlSeconds);
    const timings = (): ChannelTimings => this.settings;
    this.channels = new SimChannels(timings, () => this.baseUrl.replace(/^http/, 'ws'));
    this.http = new SimHttp(this.tokens, this.channels);
    this.server = createServer((request, response) => {
      this.http.handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
    this.server.on('upgrade', (request, socket, head) => {
      const id = /^\/channels\/([^/?]+)/.exec(request.url ?? '')?.[1];
      const channel = id ? this.channels.channels.get(decodeURIComponent(id)) : undefined;
      this.upgradeAttempts += 1;
      if (!channel) {
        socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      if (this.upgradesToRefuse > 0) {
        this.upgradesToRefuse -= 1;
        socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.channels.attach(channel, ws));
    });
  }

  static async start(options: GenesysSimOptions = {}): Promise<GenesysSimulator> {
    const sim = new GenesysSimulator(options);
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = sim.server.address() as AddressInfo;
    sim.baseUrl = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
    return sim;
  }

  get url(): string {
    return this.baseUrl;
  }

  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  /** The environment that points the ledger's connector here. */
  ledgerEnv(topics: readonly string[]): Record<string, string> {
    return {
      GENESYS_LOGIN_BASE: this.baseUrl,
      GENESYS_API_BASE: this.baseUrl,
      GENESYS_CLIENT_ID: this.settings.clientId,
      GENESYS_CLIENT_SECRET: this.settings.clientSecret,
      GENESYS_TOPICS: topics.join(','),
    };
  }

  /** Channels with a socket connected now. */
  connectedChannels(): SimChannel[] {
    return [...this.channels.channels.values()].filter((channel) => channel.socket !== null);
  }

  dropSockets(): void {
    for (const channel of this.connectedChannels()) this.channels.drop(channel);
  }

  sendSocketClosing(): void {
    for (const channel of this.connectedChannels()) this.channels.sendSocketClosing(channel);
  }

  /** Tokens stop working without notice: the client finds out from a 401. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /** Tokens are revoked: every channel created with one hears `token_revoked` and is closed. */
  revokeTokens(): void {
    const revoked = new Set(this.tokens.revokeAll());
    for (const channel of [...this.channels.channels.values()]) if (revoked.has(channel.token)) this.channels.revoke(channel);
  }

  unsubscribeAll(): void {
    for (const channel of this.channels.channels.values()) this.channels.unsubscribe(channel);
  }

  /** Stops heartbeats, pongs and deliveries on every socket while leaving them open: a stalled connection. */
  silence(silenced = true): void {
    for (const channel of this.channels.channels.values()) channel.silenced = silenced;
  }

  /** The next `count` socket connections are refused with 503 (the streaming service is down). */
  refuseSockets(count: number): void {
    this.upgradesToRefuse = count;
  }

  failNext(failure: InjectedFailure): void {
    this.http.failures.push(failure);
  }

  /** Publishes the messages at a steady rate, running `before` hooks at their index; reports what was lost. */
  async stream(messages: readonly { topicName: string }[], options: StreamOptions): Promise<StreamReport> {
    const report: StreamReport = { sent: 0, delivered: [], missed: [], unrouted: [], durationMs: 0 };
    const started = Date.now();
    while (report.sent < messages.length) {
      const due = Math.min(messages.length, Math.floor(((Date.now() - started) / 1000) * options.ratePerSecond) + 1);
      while (report.sent < due) {
        const index = report.sent;
        const hook = options.before?.get(index);
        if (hook) await hook();
        const outcome = this.channels.publish(messages[index] as { topicName: string });
        if (outcome.reached > 0) report.delivered.push(index);
        else if (outcome.missed > 0) report.missed.push(index);
        else report.unrouted.push(index);
        report.sent += 1;
      }
      options.onProgress?.(report.sent);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    report.durationMs = Date.now() - started;
    return report;
  }

  async stop(): Promise<void> {
    this.channels.closeAll();
    for (const client of this.sockets.clients) client.terminate();
    this.sockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
