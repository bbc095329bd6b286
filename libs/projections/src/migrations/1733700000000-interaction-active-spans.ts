import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ACTIVE_SPAN_FUNCTIONS_SQL, activeSpansIndexSql } from '../interactions/interaction-tables';
import { physicalVersions, relationExists } from './1732800000000-interaction-queues-and-metrics';

/**
 * `?activeAt=T` walked the list's order and kept the rows in progress at T: to end its last page it read every
 * interaction older than T (at 1,000,000 interactions, 992,000 rows of a 3.9 GB table, 2–5 s for two pages of 500).
 * A GiST index of each row's (start, end) point (ACTIVE_SPAN_FUNCTIONS_SQL) gives the rows in progress at T alone.
 * Built on every version that has its indexes; a version a rebuild is still filling gets it with the others when the
 * fill ends. The build holds writes to the table (about 3 s per 1,000,000 rows here); reads go on.
 */
export class InteractionActiveSpans1733700000000 implements MigrationInterface {
  name = 'InteractionActiveSpans1733700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of ACTIVE_SPAN_FUNCTIONS_SQL) await queryRunner.query(statement);
    for (const version of await physicalVersions(queryRunner)) {
      if (await relationExists(queryRunner, `interactions__v${version}_sort`)) await queryRunner.query(activeSpansIndexSql(version));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const version of await physicalVersions(queryRunner)) await queryRunner.query(`DROP INDEX IF EXISTS interactions__v${version}_spans`);
    for (const fn of ['interaction_active_at_box', 'interaction_span_point']) await queryRunner.query(`DROP FUNCTION IF EXISTS ${fn}`);
  }
}
