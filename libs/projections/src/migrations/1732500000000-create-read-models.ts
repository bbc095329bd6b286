import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models, version 1. Physical tables are `<name>__v1`; queries read the stable views `<name>`, so a later
 * version can be filled beside this one and swapped in by replacing the views.
 */
export class CreateReadModels1732500000000 implements MigrationInterface {
  name = 'CreateReadModels1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        projection text NOT NULL,
        version integer NOT NULL,
        position bigint NOT NULL,
        events_applied bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, version)
      )`);
    await queryRunner.query(`
      CREATE TABLE interactions__v1 (
        conversation_id text PRIMARY KEY,
        -- Newest-first order of the list; fixed when the row is first written so keyset pages never shift.
        sort_time timestamptz NOT NULL,
        started_at timestamptz,
        ended_at timestamptz,
        last_event_time timestamptz,
        media_type text,
        direction text,
        phase text,
        ani text,
        dnis text,
        queue_ids text[] NOT NULL DEFAULT '{}',
        user_ids text[] NOT NULL DEFAULT '{}',
        wrapup_codes text[] NOT NULL DEFAULT '{}',
        external_contact_ids text[] NOT NULL DEFAULT '{}',
        disconnect_type text,
        acd_outcome text,
        abandoned boolean NOT NULL DEFAULT false,
        state jsonb NOT NULL,
        fold_key text NOT NULL,
        event_count integer NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX interactions__v1_sort ON interactions__v1 (sort_time DESC, conversation_id DESC)');
    await queryRunner.query('CREATE INDEX interactions__v1_started ON interactions__v1 (started_at)');
    await queryRunner.query('CREATE INDEX interactions__v1_active ON interactions__v1 (started_at, ended_at)');
    await queryRunner.query('CREATE INDEX interactions__v1_queues ON interactions__v1 USING gin (queue_ids)');
    await queryRunner.query('CREATE INDEX interactions__v1_users ON interactions__v1 USING gin (user_ids)');
    await queryRunner.query('CREATE INDEX interactions__v1_wrapups ON interactions__v1 USING gin (wrapup_codes)');
    await queryRunner.query('CREATE INDEX interactions__v1_contacts ON interactions__v1 USING gin (external_contact_ids)');
    await queryRunner.query('CREATE INDEX interactions__v1_ani ON interactions__v1 (ani)');
    await queryRunner.query('CREATE INDEX interactions__v1_dnis ON interactions__v1 (dnis)');

    await queryRunner.query(`
      CREATE TABLE interaction_events__v1 (
        event_id uuid PRIMARY KEY,
        conversation_id text NOT NULL,
        event_type text NOT NULL,
        event_time timestamptz,
        received_at timestamptz NOT NULL,
        position bigint NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX interaction_events__v1_timeline ON interaction_events__v1 (conversation_id, event_time, event_id)',
    );
    await queryRunner.query('CREATE INDEX interaction_events__v1_time ON interaction_events__v1 (event_time)');

    await queryRunner.query(`
      CREATE TABLE queue_contributions__v1 (
        conversation_id text NOT NULL,
        queue_id text NOT NULL,
        interval_start timestamptz NOT NULL,
        n_offered integer NOT NULL,
        n_answered integer NOT NULL,
        n_abandoned integer NOT NULL,
        n_flow_out integer NOT NULL,
        t_acd_sum bigint NOT NULL,
        t_acd_max bigint NOT NULL,
        t_answered_sum bigint NOT NULL,
        t_talk_sum bigint NOT NULL,
        t_held_sum bigint NOT NULL,
        t_acw_sum bigint NOT NULL,
        t_handle_sum bigint NOT NULL,
        n_answered_within_sl integer NOT NULL,
        PRIMARY KEY (conversation_id, queue_id, interval_start)
      )`);
    await queryRunner.query('CREATE INDEX queue_contributions__v1_interval ON queue_contributions__v1 (queue_id, interval_start)');
    await queryRunner.query(`
      CREATE TABLE queue_intervals__v1 (
        queue_id text NOT NULL,
        interval_start timestamptz NOT NULL,
        n_offered integer NOT NULL,
        n_answered integer NOT NULL,
        n_abandoned integer NOT NULL,
        n_flow_out integer NOT NULL,
        t_acd_sum bigint NOT NULL,
        t_acd_max bigint NOT NULL,
        t_answered_sum bigint NOT NULL,
        t_talk_sum bigint NOT NULL,
        t_held_sum bigint NOT NULL,
        t_acw_sum bigint NOT NULL,
        t_handle_sum bigint NOT NULL,
        n_answered_within_sl integer NOT NULL,
        PRIMARY KEY (queue_id, interval_start)
      )`);

    for (const name of ['interactions', 'interaction_events', 'queue_contributions', 'queue_intervals']) {
      await queryRunner.query(`CREATE VIEW ${name} AS SELECT * FROM ${name}__v1`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['interactions', 'interaction_events', 'queue_contributions', 'queue_intervals']) {
      await queryRunner.query(`DROP VIEW IF EXISTS ${name}`);
      await queryRunner.query(`DROP TABLE IF EXISTS ${name}__v1`);
    }
    await queryRunner.query('DROP TABLE IF EXISTS projection_checkpoints');
  }
}
