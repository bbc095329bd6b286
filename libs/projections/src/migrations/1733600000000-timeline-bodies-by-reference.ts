import type { MigrationInterface, QueryRunner } from 'typeorm';
import { POSTGRES_EVENTS_TABLE } from '@ledger/event-store';
import { storedBodySql, timelineWithBodiesSql } from '../interactions/interaction-tables';
import { lockActiveVersion, physicalVersions, relationExists } from './1732800000000-interaction-queues-and-metrics';

/**
 * Timeline rows projected from the PostgreSQL store in the same database no longer copy the event's bodies: their
 * data and metadata are null and `interaction_events` reads them from the store by position (timelineWithBodiesSql).
 * The timeline was larger than the store itself (471 MB against 448 MB for 400,000 events); without the bodies a
 * 400,000-event catch-up writes 375 MB of WAL instead of 698, and PostgreSQL spends a quarter less CPU on it. Only
 * constraints and the view change: rows already projected keep their bodies and read as before, so nothing is
 * rewritten. Down copies the bodies back first.
 */
export class TimelineBodiesByReference1733600000000 implements MigrationInterface {
  name = 'TimelineBodiesByReference1733600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    for (const version of await physicalVersions(queryRunner)) {
      await queryRunner.query(
        `ALTER TABLE IF EXISTS interaction_events__v${version} ALTER COLUMN data DROP NOT NULL, ALTER COLUMN metadata DROP NOT NULL`,
      );
    }
    await queryRunner.query('DROP VIEW IF EXISTS interaction_events');
    await queryRunner.query(`CREATE VIEW interaction_events AS ${timelineWithBodiesSql(`interaction_events__v${active}`)}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    await queryRunner.query('DROP VIEW IF EXISTS interaction_events');
    for (const version of await physicalVersions(queryRunner)) {
      const table = `interaction_events__v${version}`;
      if (!(await relationExists(queryRunner, table))) continue;
      await queryRunner.query(
        `UPDATE ${table} AS t SET data = ${storedBodySql('e')}, metadata = e.metadata
         FROM ${POSTGRES_EVENTS_TABLE} AS e WHERE t.data IS NULL AND e.position = t.position`,
      );
      await queryRunner.query(`ALTER TABLE ${table} ALTER COLUMN data SET NOT NULL, ALTER COLUMN metadata SET NOT NULL`);
    }
    await queryRunner.query(`CREATE VIEW interaction_events AS SELECT * FROM interaction_events__v${active}`);
  }
}
