import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL event store. `position` is `(writing transaction id << 20) + index in the transaction`, not a
 * sequence: ordering by it is ordering by transaction, which is what lets subscribers never skip an event whose
 * transaction commits after a later-numbered one (see postgres-subscription.ts).
 */
export class CreateEventStore1732400000000 implements MigrationInterface {
  name = 'CreateEventStore1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_streams (
        stream_id text PRIMARY KEY,
        revision bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE ledger_events (
        position bigint PRIMARY KEY,
        event_id uuid NOT NULL,
        stream_id text NOT NULL,
        revision bigint NOT NULL,
        event_type text NOT NULL,
        data json NOT NULL,
        metadata json NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_events_event_id_key UNIQUE (event_id),
        CONSTRAINT ledger_events_stream_revision_key UNIQUE (stream_id, revision)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ledger_events');
    await queryRunner.query('DROP TABLE ledger_streams');
  }
}
