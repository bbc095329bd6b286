import WebSocket from 'ws';
import { classifyFrame, PING_FRAME, type SocketFrame } from './system-messages';

export interface SocketTimings {
  /** No frame at all (heartbeat, pong, event) for this long → the socket is presumed dead (Genesys: 90 s). */
  heartbeatTimeoutMs: number;
  /** No frame for this long → send `{"message":"ping"}` to prove the line is alive. */
  pingIdleMs: number;
  connectTimeoutMs: number;
}

export interface SocketSessionHandlers {
  onFrame(frame: Exclude<SocketFrame, { kind: 'heartbeat' | 'pong' }>, session: SocketSession): void;
  /** Once, when the socket is gone for whatever reason; `reason` says why. */
  onClose(reason: string, session: SocketSession): void;
}

/**
 * One WebSocket to a notification channel: the heartbeat watchdog, idle pings, and pause/resume of reading
 * (backpressure goes to the TCP window instead of a buffer here).
 */
export class SocketSession {
  private lastFrameAt: number;
  private pinged = false;
  private closed = false;
  private readonly watchdog: NodeJS.Timeout;
  framesReceived = 0;
  pingsSent = 0;

  private constructor(
    private readonly socket: WebSocket,
    private readonly timings: SocketTimings,
    private readonly handlers: SocketSessionHandlers,
    private readonly now: () => number,
  ) {
    this.lastFrameAt = now();
    socket.on('message', (data, isBinary) => this.onMessage(isBinary ? null : data.toString()));
    socket.on('close', (code, reason) => this.finish(`socket closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`));
    socket.on('error', (error) => this.finish(`socket error: ${error.message}`));
    const tick = Math.max(5, Math.min(timings.pingIdleMs, timings.heartbeatTimeoutMs) / 5);
    this.watchdog = setInterval(() => this.checkLiveness(), tick);
    this.watchdog.unref();
  }

  /** Connects; rejects if the upgrade is refused (e.g. 404: the channel is gone) or takes too long. */
  static open(url: string, timings: SocketTimings, handlers: SocketSessionHandlers, now: () => number = Date.now): Promise<SocketSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timings.connectTimeoutMs, maxPayload: 16 * 1024 * 1024 });
      const fail = (error: Error): void => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      };
      socket.once('open', () => {
        socket.removeAllListeners();
        resolve(new SocketSession(socket, timings, handlers, now));
      });
      socket.once('unexpected-response', (_request, response) => fail(new Error(`WebSocket upgrade refused with HTTP ${response.statusCode}`)));
      socket.once('error', fail);
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  get isPaused(): boolean {
    return this.socket.isPaused;
  }

  pause(): void {
    if (!this.closed) this.socket.pause();
  }

  resume(): void {
    if (this.closed) return;
    // Frames waited in the TCP window while paused: silence during the pause says nothing about the server.
    this.lastFrameAt = this.now();
    this.socket.resume();
  }

  /** A deliberate close: `onClose` still fires, with this reason. */
  close(reason: string): void {
    if (this.closed) return;
    this.socket.close(1000, reason.slice(0, 100));
    // Do not wait for the server's close frame beyond a moment.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }

  private terminate(reason: string): void {
    this.socket.terminate();
    this.finish(reason);
  }

  private onMessage(text: string | null): void {
    if (this.closed) return;
    this.lastFrameAt = this.now();
    this.pinged = false;
    this.framesReceived += 1;
    const frame: SocketFrame = text === null ? { kind: 'unreadable', reason: 'binary frame' } : classifyFrame(text);
    if (frame.kind === 'heartbeat' || frame.kind === 'pong') return;
    this.handlers.onFrame(frame, this);
  }

  private checkLiveness(): void {
    if (this.closed || this.socket.isPaused) return;
    const silentFor = this.now() - this.lastFrameAt;
    if (silentFor >= this.timings.heartbeatTimeoutMs) {
      this.terminate(`no heartbeat for ${Math.round(silentFor)} ms`);
      return;
    }
    if (silentFor >= this.timings.pingIdleMs && !this.pinged && this.socket.readyState === WebSocket.OPEN) {
      this.pinged = true;
      this.pingsSent += 1;
      this.socket.send(PING_FRAME);
    }
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.handlers.onClose(reason, this);
  }
}
