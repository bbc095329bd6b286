import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The list by queue walked the newest-first index and filtered `queue_ids` (about twelve rows read per row returned
 * with twelve queues), then detoasted each row's `state` for its metrics. Every physical version gets a lookup table
 * `interaction_queues__v<N>` keyed (queue_id, sort_time, conversation_id), filled from `queue_ids`, and a `metrics`
 * column filled from the state. The views' column lists are fixed when they are created, so `interactions` is
 * created again and `interaction_queues` added, both on the active version.
 */
export class InteractionQueuesAndMetrics1732800000000 implements MigrationInterface {
  name = 'InteractionQueuesAndMetrics1732800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    await queryRunner.query('DROP VIEW IF EXISTS interactions');
    for (const version of await physicalVersions(queryRunner)) {
      await queryRunner.query(`ALTER TABLE interactions__v${version} ADD COLUMN IF NOT EXISTS metrics json`);
      await queryRunner.query(`UPDATE interactions__v${version} SET metrics = (state->'metrics')::json`);
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS interaction_queues__v${version} (
          queue_id text NOT NULL,
          sort_time timestamptz NOT NULL,
          conversation_id text NOT NULL,
          PRIMARY KEY (queue_id, sort_time, conversation_id)
        )`);
      await queryRunner.query(
        `INSERT INTO interaction_queues__v${version} (queue_id, sort_time, conversation_id)
         SELECT DISTINCT queue_id, sort_time, conversation_id FROM interactions__v${version}, unnest(queue_ids) AS queue_id
         ON CONFLICT DO NOTHING`,
      );
    }
    await queryRunner.query(`CREATE VIEW interactions AS SELECT * FROM interactions__v${active}`);
    await queryRunner.query(`CREATE VIEW interaction_queues AS SELECT * FROM interaction_queues__v${active}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    await queryRunner.query('DROP VIEW IF EXISTS interaction_queues');
    await queryRunner.query('DROP VIEW IF EXISTS interactions');
    for (const version of await physicalVersions(queryRunner)) {
      await queryRunner.query(`DROP TABLE IF EXISTS interaction_queues__v${version}`);
      await queryRunner.query(`ALTER TABLE interactions__v${version} DROP COLUMN IF EXISTS metrics`);
    }
    await queryRunner.query(`CREATE VIEW interactions AS SELECT * FROM interactions__v${active}`);
  }
}

/** Locked: a swap committing meanwhile (another instance, during a rolling deploy) would leave the views behind. */
export async function lockActiveVersion(queryRunner: QueryRunner): Promise<number> {
  const rows: { active_version: number }[] = await queryRunner.query(
    "SELECT active_version FROM projection_versions WHERE projection = 'interactions' FOR UPDATE",
  );
  return rows[0]?.active_version ?? 1;
}

/** Every version with tables: the active one, the one kept for rollback, and one a rebuild is filling. */
export async function physicalVersions(queryRunner: QueryRunner): Promise<number[]> {
  const rows: { version: number }[] = await queryRunner.query(
    `SELECT substring(table_name FROM '__v([0-9]+)$')::int AS version FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_name ~ '^interactions__v[0-9]+$' ORDER BY 1`,
  );
  return rows.map((row) => row.version);
}

/** Whether a table or index of that name exists in the current schema. */
export async function relationExists(queryRunner: QueryRunner, name: string): Promise<boolean> {
  const rows: { present: boolean }[] = await queryRunner.query('SELECT to_regclass($1) IS NOT NULL AS present', [name]);
  return rows[0]?.present === true;
}
