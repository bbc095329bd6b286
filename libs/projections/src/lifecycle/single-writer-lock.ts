import type { Pool, PoolClient } from 'pg';

/**
 * A PostgreSQL session advisory lock held on a dedicated connection: one instance of a writer runs at a time, the
 * others stand by. The lock lives as long as the connection, so losing the connection loses the lock — `onLost`
 * must stop writing at once, since another instance may take over.
 */
export class SingleWriterLock {
  private client: PoolClient | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly key: readonly [number, number],
    private readonly onLost: (error: unknown) => void,
  ) {}

  get held(): boolean {
    return this.client !== null;
  }

  /** Waits until the lock is held (true) or `stopping()` says to give up (false). */
  async acquire(stopping: () => boolean, retryMs = 1000): Promise<boolean> {
    if (this.client) return true;
    const client = await this.pool.connect();
    let lost: unknown = null;
    // A checked-out client reports a dropped connection as an 'error' event, never through a query.
    client.on('error', (error: unknown) => {
      lost = error;
      if (this.client !== client) return;
      this.client = null;
      client.release(true);
      this.onLost(error);
    });
    try {
      while (!stopping() && lost === null) {
        const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [...this.key]);
        if (result.rows[0]?.locked) {
          this.client = client;
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    client.release(lost !== null);
    if (lost !== null) throw lost;
    return false;
  }

  /** Gives the lock up (closing the connection also releases it). `broken`: the connection is not reused. */
  release(broken = false): void {
    const client = this.client;
    this.client = null;
    client?.release(broken);
  }
}
