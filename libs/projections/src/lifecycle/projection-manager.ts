import type { EventStore } from '@ledger/event-store';
import type { InteractionState, UpcasterRegistry } from '@ledger/domain';
import { Pool } from 'pg';
import { InteractionProjector, type ProjectorStatus } from '../interactions/interaction-projector';
import {
  createInteractionIndexesSql,
  createInteractionTablesSql,
  dropInteractionTablesSql,
  interactionTables,
  pointViewsSql,
} from '../interactions/interaction-tables';
import { DEFAULT_INTERACTION_PROJECTION, extensionsFor, type InteractionProjectionDefinition } from '../interactions/interaction-projection-definition';
import { physicalCodeVersion, readRebuildRows, type RebuildRow } from './rebuild-rows';

export interface ProjectionManagerOptions {
  connectionString: string;
  /** The version this code runs (default: the shipped one); versions it fills or follows use its fold extensions. */
  definition?: InteractionProjectionDefinition;
  upcasters?: UpcasterRegistry;
  /** How long the previous version keeps following after a swap, for rollback. */
  graceMs?: number;
  /** How often to look for rebuilds requested through the API (possibly by another instance). */
  pollMs?: number;
  onCommitted?: (changed: InteractionState[]) => void;
  onError?: (error: unknown) => void;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Whether its projectors pipeline catch-up batches (see InteractionProjectorOptions.pipelined). */
  pipelined?: boolean;
  /** Most events per catch-up transaction (see InteractionProjectorOptions.batchSize for the default). */
  batchSize?: number;
  /**
   * Awaited before each batch a rebuild fills (`InteractionProjectorOptions.pace`). Beside the API the service passes
   * one that waits, up to a bound, for the requests in flight to be answered: the fill then takes the gaps between
   * queries instead of queueing them behind its batches (a backlog that grew for as long as the fill ran).
   */
  fillPace?: () => Promise<void>;
}

interface Versions {
  active_version: number;
  active_code_version: number;
  previous_version: number | null;
  switched_at: Date;
}

/**
 * Runs the interaction projection's versions: the active one follows live events; a rebuild fills the next version
 * from position 0 beside it (bulk batches, indexes afterwards), then swaps the views in one transaction once it has
 * caught up with the active one. The previous version keeps following for a grace period so a rollback is instant.
 */
export class ProjectionManager {
  private readonly pool: Pool;
  private readonly projectors = new Map<number, InteractionProjector>();
  private timer: NodeJS.Timeout | null = null;
  private rebuilding: Promise<void> | null = null;
  /** setInterval does not wait for a slow tick: two at once would each start the same rebuild. */
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly options: ProjectionManagerOptions,
  ) {
    this.pool = new Pool({ connectionString: options.connectionString, max: 3 });
    this.pool.on('error', () => undefined);
  }

  private get definition(): InteractionProjectionDefinition {
    return this.options.definition ?? DEFAULT_INTERACTION_PROJECTION;
  }

  get codeVersion(): number {
    return this.definition.version;
  }

  async start(): Promise<void> {
    const versions = await this.versions();
    await this.follow(versions.active_version);
    if (versions.previous_version !== null) await this.expireOrFollowPrevious(versions);
    if (this.codeVersion > versions.active_code_version) {
      await requestRebuild(this.pool, 'interactions', this.codeVersion, `code version ${this.codeVersion} > active ${versions.active_code_version}`).catch(
        (error: unknown) => (error instanceof RebuildConflictError ? undefined : Promise.reject(error)),
      );
    }
    this.timer = setInterval(() => void this.tick(), this.options.pollMs ?? 1000);
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.projectors.values()].map((projector) => projector.stop()));
    this.projectors.clear();
    await this.rebuilding?.catch(() => undefined);
    await this.pool.end();
  }

  /** Status of every version this instance runs, by version. */
  statuses(): Map<number, ProjectorStatus> {
    return new Map([...this.projectors].map(([version, projector]) => [version, projector.status()]));
  }

  /**
   * Runs a projector for a physical version (once). It folds with the extensions of the code version that built it
   * (`codeVersion`, looked up when not given): a version serving or kept for rollback while a newer code rebuilds
   * beside it must not take on the new code's extensions.
   */
  private async follow(version: number, codeVersion?: number, pace?: () => Promise<void>): Promise<InteractionProjector | undefined> {
    const running = this.projectors.get(version);
    if (running) return running;
    const builtBy = codeVersion ?? (await physicalCodeVersion(this.pool, 'interactions', version));
    // A tick that was under way when stop() began must not start anything new; nor a second call meanwhile.
    if (this.stopped || this.projectors.has(version)) return this.projectors.get(version);
    const projector = new InteractionProjector(this.store, {
      connectionString: this.options.connectionString,
      version,
      ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}),
      pipelined: this.options.pipelined ?? true,
      extensions: extensionsFor(this.definition, builtBy),
      ...(this.options.upcasters ? { upcasters: this.options.upcasters } : {}),
      ...(pace ? { pace } : {}),
      onCommitted: (changed) => {
        if (this.activeVersion === version) this.options.onCommitted?.(changed);
      },
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
    this.projectors.set(version, projector);
    projector.start();
    return projector;
  }

  private activeVersion = 0;

  private async tick(): Promise<void> {
    if (this.stopped || this.rebuilding || this.ticking) return;
    this.ticking = true;
    try {
      const versions = await this.versions();
      this.activeVersion = versions.active_version;
      await this.follow(versions.active_version);
      await this.expireOrFollowPrevious(versions);
      const running = (await readRebuildRows(this.pool, 'interactions')).find((row) => !['done', 'failed', 'cancelled'].includes(row.phase));
      if (running) {
        this.rebuilding = this.runRebuild(running).finally(() => {
          this.rebuilding = null;
        });
      }
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.ticking = false;
    }
  }

  private async runRebuild(rebuild: RebuildRow): Promise<void> {
    const version = rebuild.target_version;
    const log = this.options.log ?? (() => undefined);
    try {
      if (rebuild.phase === 'requested' || rebuild.phase === 'filling') {
        await this.setPhase(rebuild.id, 'filling');
        for (const statement of createInteractionTablesSql(version)) await this.pool.query(statement);
        const projector = await this.follow(version, rebuild.code_version, this.options.fillPace);
        if (!projector) return;
        log('rebuild filling', { version });
        await this.until(() => projector.status().phase === 'live');
        await this.setPhase(rebuild.id, 'indexing');
      }
      log('rebuild indexing', { version });
      for (const statement of createInteractionIndexesSql(version)) await this.pool.query(statement);
      await this.pool.query(`ANALYZE ${Object.values(interactionTables(version)).join(', ')}`);
      await this.setPhase(rebuild.id, 'swapping');
      const retired = await this.swapTo(version, rebuild.code_version, rebuild.id);
      this.activeVersion = version;
      log('rebuild swapped', { version });
      // Only one previous version is kept for rollback: the one before it goes now.
      if (retired !== null) await this.retire(retired);
    } catch (error) {
      if (this.stopped) return;
      await this.pool
        .query("UPDATE projection_rebuilds SET phase = 'failed', error = $2, finished_at = now() WHERE id = $1", [rebuild.id, String(error)])
        .catch(() => undefined);
      this.options.onError?.(error);
    }
  }

  /**
   * The swap: hold the active version's checkpoint (its projector cannot commit meanwhile), wait until the new
   * version has applied at least as much, repoint the views and record the switch, all in one transaction.
   */
  private async swapTo(version: number, codeVersion: number, rebuildId: string): Promise<number | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const versions = (await client.query<Versions>("SELECT * FROM projection_versions WHERE projection = 'interactions' FOR UPDATE")).rows[0];
      if (!versions) throw new Error('projection_versions has no interactions row');
      const held = await client.query<{ position: string }>(
        "SELECT position FROM projection_checkpoints WHERE projection = 'interactions' AND version = $1 FOR UPDATE",
        [versions.active_version],
      );
      const activePosition = BigInt(held.rows[0]?.position ?? '0');
      await this.until(async () => {
        const caught = await this.pool.query<{ position: string }>(
          "SELECT position FROM projection_checkpoints WHERE projection = 'interactions' AND version = $1",
          [version],
        );
        return BigInt(caught.rows[0]?.position ?? '0') >= activePosition;
      });
      for (const statement of pointViewsSql(version)) await client.query(statement);
      await client.query(
        `UPDATE projection_versions SET active_version = $1, active_code_version = $2, previous_version = active_version, switched_at = now()
         WHERE projection = 'interactions'`,
        [version, codeVersion],
      );
      await client.query("UPDATE projection_rebuilds SET phase = 'done', finished_at = now() WHERE id = $1", [rebuildId]);
      await client.query('COMMIT');
      return versions.previous_version !== null && versions.previous_version !== versions.active_version ? versions.previous_version : null;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async expireOrFollowPrevious(versions: Versions): Promise<void> {
    const previous = versions.previous_version;
    if (previous === null || previous === versions.active_version) return;
    if (Date.now() - versions.switched_at.getTime() < (this.options.graceMs ?? 3_600_000)) {
      await this.follow(previous);
      return;
    }
    await this.retire(previous);
    await this.pool.query("UPDATE projection_versions SET previous_version = NULL WHERE projection = 'interactions' AND previous_version = $1", [previous]);
  }

  /** Stops following a version and drops its tables and bookkeeping. */
  private async retire(version: number): Promise<void> {
    const projector = this.projectors.get(version);
    this.projectors.delete(version);
    await projector?.stop();
    for (const statement of dropInteractionTablesSql(version)) await this.pool.query(statement);
    await this.pool.query("DELETE FROM projection_checkpoints WHERE projection = 'interactions' AND version = $1", [version]);
  }

  private async setPhase(id: string, phase: string): Promise<void> {
    await this.pool.query('UPDATE projection_rebuilds SET phase = $2 WHERE id = $1', [id, phase]);
  }

  private async versions(): Promise<Versions> {
    const row = (await this.pool.query<Versions>("SELECT * FROM projection_versions WHERE projection = 'interactions'")).rows[0];
    if (!row) throw new Error('projection_versions has no interactions row: run the migrations');
    return row;
  }

  private async until(condition: () => boolean | Promise<boolean>): Promise<void> {
    while (!(await condition())) {
      if (this.stopped) throw new Error('stopped');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export class RebuildConflictError extends Error {
  constructor(readonly projection: string) {
    super(`a rebuild of ${projection} is already running`);
  }
}

/** Records a rebuild request; the instance running the projector picks it up. One at a time per projection. */
export async function requestRebuild(pool: Pool, projection: string, codeVersion: number, reason: string): Promise<RebuildRow> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const versions = (await client.query<Versions>('SELECT * FROM projection_versions WHERE projection = $1 FOR UPDATE', [projection])).rows[0];
    if (!versions) throw new Error(`unknown projection ${projection}`);
    const highest = await client.query<{ version: number | null }>(
      'SELECT max(target_version) AS version FROM projection_rebuilds WHERE projection = $1',
      [projection],
    );
    const target = Math.max(versions.active_version, versions.previous_version ?? 0, highest.rows[0]?.version ?? 0) + 1;
    const total = await client.query<{ events_applied: string }>('SELECT events_applied FROM projection_checkpoints WHERE projection = $1 AND version = $2', [
      projection,
      versions.active_version,
    ]);
    const inserted = await client.query<RebuildRow>(
      `INSERT INTO projection_rebuilds (projection, target_version, code_version, phase, reason, events_total)
       VALUES ($1, $2, $3, 'requested', $4, $5) RETURNING *`,
      [projection, target, Math.max(codeVersion, versions.active_code_version), reason, total.rows[0]?.events_applied ?? '0'],
    );
    await client.query('COMMIT');
    return inserted.rows[0] as RebuildRow;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === '23505') throw new RebuildConflictError(projection);
    throw error;
  } finally {
    client.release();
  }
}
