import type { Pool } from 'pg';
import { applyInteractionBatch, type ProjectionTarget } from './apply-interaction-batch';
import { deadLetterToEvent, isDatabaseError, type DeadLetterRow } from './dead-letters';

export type DeadLetterRetryOutcome =
  | { outcome: 'not-found' }
  | { outcome: 'resolved'; conversationId: string; applied: number; eventIds: string[] }
  | { outcome: 'parked'; conversationId: string; attempts: number; error: string };

/**
 * Replays, in order, every event parked for the dead letter's conversation (the failed one and those queued behind
 * it). If the cause is fixed they are applied and the row is no longer stale; if not, they stay parked and the
 * attempt is counted — never a silent skip.
 */
export async function retryDeadLetter(
  pool: Pool,
  targetFor: (version: number) => ProjectionTarget | Promise<ProjectionTarget>,
  id: string,
): Promise<DeadLetterRetryOutcome> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const found = await client.query<DeadLetterRow>('SELECT * FROM dead_letters WHERE id = $1', [id]);
    const letter = found.rows[0];
    if (!letter) {
      await client.query('ROLLBACK');
      return { outcome: 'not-found' };
    }
    const target = await targetFor(letter.version);
    const parked = await client.query<DeadLetterRow>(
      `SELECT * FROM dead_letters WHERE projection = $1 AND version = $2 AND conversation_id = $3 AND status = 'parked'
       ORDER BY position FOR UPDATE`,
      [letter.projection, letter.version, letter.conversation_id],
    );
    if (parked.rows.length === 0) {
      await client.query('COMMIT');
      return { outcome: 'resolved', conversationId: letter.conversation_id, applied: 0, eventIds: [] };
    }
    const ids = parked.rows.map((row) => row.id);
    await client.query('SAVEPOINT retry');
    try {
      const applied = await applyInteractionBatch(client, target, parked.rows.map(deadLetterToEvent));
      await client.query("UPDATE dead_letters SET status = 'resolved', resolved_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])", [ids]);
      await client.query(`UPDATE ${target.tables.interactions} SET stale = false WHERE conversation_id = $1`, [letter.conversation_id]);
      await client.query('COMMIT');
      return { outcome: 'resolved', conversationId: letter.conversation_id, applied: applied.applied, eventIds: parked.rows.map((row) => row.event_id) };
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT retry');
      if (isDatabaseError(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const updated = await client.query<{ attempts: number }>(
        'UPDATE dead_letters SET attempts = attempts + 1, error = CASE WHEN blocked_by IS NULL THEN $2 ELSE error END WHERE id = ANY($1::bigint[]) RETURNING attempts',
        [ids, message],
      );
      await client.query('COMMIT');
      return { outcome: 'parked', conversationId: letter.conversation_id, attempts: Math.max(...updated.rows.map((row) => row.attempts)), error: message };
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
