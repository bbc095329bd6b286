import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INTERACTIONS_STORAGE, LIST_ITEM_COLUMN_SQL, LIST_ITEM_FUNCTION_SQL } from '../interactions/interaction-tables';
import { lockActiveVersion, physicalVersions } from './1732800000000-interaction-queues-and-metrics';

/**
 * Building fifty list items per page (json_build_object over seventeen columns each) was a third of the list's
 * PostgreSQL time. Every physical version gets `list_item`, a stored generated column PostgreSQL keeps up to date on
 * every write. Adding it rewrites each `interactions__v<N>` table under an exclusive lock (about a minute per
 * million rows here): reads of the list wait for it during the deploy. Rows up to 4 KB are kept inline from now on
 * (INTERACTIONS_STORAGE). `interactions` is created again so the view has the column.
 */
export class InteractionListItems1732900000000 implements MigrationInterface {
  name = 'InteractionListItems1732900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    await queryRunner.query(LIST_ITEM_FUNCTION_SQL);
    await queryRunner.query('DROP VIEW IF EXISTS interactions');
    for (const version of await physicalVersions(queryRunner)) {
      // Set first, so the rewrite below already stores rows by it.
      await queryRunner.query(`ALTER TABLE interactions__v${version} SET (${INTERACTIONS_STORAGE})`);
      await queryRunner.query(`ALTER TABLE interactions__v${version} ADD COLUMN IF NOT EXISTS ${LIST_ITEM_COLUMN_SQL}`);
    }
    await queryRunner.query(`CREATE VIEW interactions AS SELECT * FROM interactions__v${active}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    await queryRunner.query('DROP VIEW IF EXISTS interactions');
    for (const version of await physicalVersions(queryRunner)) {
      await queryRunner.query(`ALTER TABLE interactions__v${version} DROP COLUMN IF EXISTS list_item`);
      await queryRunner.query(`ALTER TABLE interactions__v${version} RESET (toast_tuple_target)`);
    }
    await queryRunner.query('DROP FUNCTION IF EXISTS interaction_list_item');
    await queryRunner.query(`CREATE VIEW interactions AS SELECT * FROM interactions__v${active}`);
  }
}
