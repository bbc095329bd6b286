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
