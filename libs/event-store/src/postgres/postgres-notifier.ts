import { Client } from 'pg';
import { EVENTS_CHANNEL } from './postgres-append';

/**
 * One LISTEN connection per store that wakes every subscription when an append commits. Subscriptions also poll,
 * so a lost notification or a dropped connection only delays delivery; the connection is re-opened in the background.
 */
export class PostgresAppendNotifier {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly connectionString: string) {}

  /** Resolves on the next commit notification, or after `timeoutMs`, whichever comes first. */
  waitForAppend(timeoutMs: number, signal: AbortSignal): Promise<void> {
    void this.ensureListening();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const wake of [...this.waiters]) wake();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private ensureListening(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.listen().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString });
    const lost = (): void => {
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (!this.closed) this.retryTimer = setTimeout(() => void this.ensureListening(), 1000);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => {
      for (const wake of [...this.waiters]) wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
    } catch {
      lost();
    }
  }
}
