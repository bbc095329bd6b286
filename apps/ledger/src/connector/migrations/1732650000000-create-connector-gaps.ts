import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `connector_gaps`: every interval during which a Notifications API channel had no socket connected. Genesys does not
 * replay what it sent meanwhile, so these are the windows to backfill from another source (EventBridge, exports).
 * A row is written when the gap opens (ended_at null) and completed when a socket is back.
 */
export class CreateConnectorGaps1732650000000 implements MigrationInterface {
  name = 'CreateConnectorGaps1732650000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE connector_gaps (
        id bigserial PRIMARY KEY,
        connector text NOT NULL DEFAULT 'notifications',
        -- Which of the connector's channels (topics are spread over channels); -1: the whole connector was stopped.
        channel_index integer NOT NULL,
        channel_id text,
        reason text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        CONSTRAINT connector_gaps_ordered CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await queryRunner.query('CREATE INDEX connector_gaps_started ON connector_gaps (started_at DESC)');
    await queryRunner.query('CREATE INDEX connector_gaps_open ON connector_gaps (id) WHERE ended_at IS NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE connector_gaps');
  }
}
