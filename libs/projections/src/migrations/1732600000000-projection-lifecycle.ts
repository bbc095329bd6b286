import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projection lifecycle: which physical version each view serves, rebuilds in progress, and parked (dead-letter)
 * events. Adds `stale` to the v1 interactions table; a view's column list is fixed when it is created, so the view
 * is created again.
 */
export class ProjectionLifecycle1732600000000 implements MigrationInterface {
  name = 'ProjectionLifecycle1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE interactions__v1 ADD COLUMN IF NOT EXISTS stale boolean NOT NULL DEFAULT false');
    await queryRunner.query('DROP VIEW IF EXISTS interactions');
    await queryRunner.query('CREATE VIEW interactions AS SELECT * FROM interactions__v1');
    await queryRunner.query(`
      CREATE TABLE projection_versions (
        projection text PRIMARY KEY,
        active_version integer NOT NULL,
        active_code_version integer NOT NULL,
        previous_version integer,
        switched_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query("INSERT INTO projection_versions (projection, active_version, active_code_version) VALUES ('interactions', 1, 1)");
    await queryRunner.query(`
      CREATE TABLE projection_rebuilds (
        id bigserial PRIMARY KEY,
        projection text NOT NULL,
        target_version integer NOT NULL,
        code_version integer NOT NULL,
        phase text NOT NULL,
        reason text NOT NULL,
        events_total bigint,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        error text
      )`);
    await queryRunner.query(
      "CREATE UNIQUE INDEX projection_rebuilds_one_running ON projection_rebuilds (projection) WHERE phase NOT IN ('done', 'failed', 'cancelled')",
    );
    await queryRunner.query(`
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        projection text NOT NULL,
        version integer NOT NULL,
        event_id uuid NOT NULL,
        stream_id text NOT NULL,
        conversation_id text NOT NULL,
        position bigint NOT NULL,
        event_type text NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        error text NOT NULL,
        attempts integer NOT NULL,
        -- 'parked': waiting for a retry; 'resolved': applied by a retry.
        status text NOT NULL DEFAULT 'parked',
        -- The event that failed, or the one it is parked behind.
        blocked_by uuid,
        parked_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        UNIQUE (projection, version, event_id)
      )`);
    await queryRunner.query(
      "CREATE INDEX dead_letters_parked ON dead_letters (projection, version, conversation_id, position) WHERE status = 'parked'",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE dead_letters');
    await queryRunner.query('DROP TABLE projection_rebuilds');
    await queryRunner.query('DROP TABLE projection_versions');
  }
}
