import type { Pool } from 'pg';
import { pointViewsSql } from '@ledger/projections';
import { ApiError } from '../common/api-error';

/** Points the views back at the previous version (still followed during its grace period) in one transaction. */
export async function rollbackProjection(pool: Pool, projection: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const row = (
      await client.query<{ active_version: number; previous_version: number | null }>(
        'SELECT active_version, previous_version FROM projection_versions WHERE projection = $1 FOR UPDATE',
        [projection],
      )
    ).rows[0];
    if (!row || row.previous_version === null) {
      throw new ApiError(409, 'PROJECTION.NO_PREVIOUS_VERSION', `${projection} has no previous version to roll back to`, { projection });
    }
    for (const statement of pointViewsSql(row.previous_version)) await client.query(statement);
    await client.query(
      'UPDATE projection_versions SET active_version = previous_version, previous_version = active_version, switched_at = now() WHERE projection = $1',
      [projection],
    );
    await client.query('COMMIT');
    return { name: projection, version: row.previous_version, previousVersion: row.active_version };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
