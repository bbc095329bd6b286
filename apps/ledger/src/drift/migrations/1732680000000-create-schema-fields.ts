import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema-drift registry: every (path, JSON type) seen per event type and topic version, with how it compares to
 * the baseline; unknown enum values are rows of their own (`value`). The drift subscriber keeps its own checkpoint:
 * it is not a read-model projection and is never rebuilt.
 */
export class CreateSchemaFields1732680000000 implements MigrationInterface {
  name = 'CreateSchemaFields1732680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE schema_fields (
        event_type text NOT NULL,
        topic_version text NOT NULL,
        path text NOT NULL,
        json_type text NOT NULL,
        value text NOT NULL DEFAULT '',
        kind text NOT NULL CHECK (kind IN ('baseline', 'new_field', 'type_change', 'unknown_enum_value')),
        expected_type text,
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        sample_event_id text NOT NULL,
        occurrences bigint NOT NULL,
        PRIMARY KEY (event_type, topic_version, path, json_type, value)
      )`);
    await queryRunner.query(`CREATE INDEX schema_fields_drift ON schema_fields (kind, event_type) WHERE kind <> 'baseline'`);
    await queryRunner.query(`
      CREATE TABLE schema_drift_checkpoints (
        subscriber text PRIMARY KEY,
        position bigint NOT NULL,
        events_seen bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS schema_drift_checkpoints');
    await queryRunner.query('DROP TABLE IF EXISTS schema_fields');
  }
}
