import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const statementNames = new Map<string, string>();

/**
 * Runs `sql` as a named prepared statement, so each connection plans it once instead of on every request: planning
 * took longer than running a queue page's query (1.8 ms against 1.1 ms over 1,000,000 interactions). Only for
 * statements whose plan cannot hinge on the values bound (key lookups, the queue walk): after five executions
 * PostgreSQL may settle on one generic plan. A view swapped by a rebuild invalidates the plan, which is then redone.
 */
export async function queryPrepared<T>(dataSource: DataSource, sql: string, values: unknown[]): Promise<T[]> {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `ledger_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  const [client, release] = (await (dataSource.driver as PostgresDriver).obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
  try {
    const result = await client.query({ name, text: sql, values });
    release();
    return result.rows as T[];
  } catch (error) {
    // Given back with its error, the connection is closed rather than lent again: one the server has ended (a
    // restart, pg_terminate_backend) would otherwise fail the next statement handed it too.
    release(error);
    throw error;
  }
}
