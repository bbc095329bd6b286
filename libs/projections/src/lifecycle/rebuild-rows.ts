import type { Pool } from 'pg';

export interface RebuildRow {
  id: string;
  projection: string;
  target_version: number;
  code_version: number;
  /** requested → filling → indexing → swapping → done (or failed). */
  phase: string;
  reason: string;
  events_total: string | null;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

export async function readRebuildRows(pool: Pool, projection: string): Promise<RebuildRow[]> {
  const result = await pool.query<RebuildRow>('SELECT * FROM projection_rebuilds WHERE projection = $1 ORDER BY id DESC LIMIT 20', [projection]);
  return result.rows;
}

/**
 * The code version that built a physical version: recorded on the rebuild that filled it (target versions are never
 * reused); version 1 is created by the migrations for code version 1.
 */
export async function physicalCodeVersion(pool: Pool, projection: string, version: number): Promise<number> {
  const result = await pool.query<{ code_version: number }>(
    'SELECT code_version FROM projection_rebuilds WHERE projection = $1 AND target_version = $2 ORDER BY id DESC LIMIT 1',
    [projection, version],
  );
  return result.rows[0]?.code_version ?? 1;
}
