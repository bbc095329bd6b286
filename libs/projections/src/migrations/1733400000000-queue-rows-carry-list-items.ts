import type { MigrationInterface, QueryRunner } from 'typeorm';
import { QUEUE_LIST_ITEMS_FUNCTION_SQL, queueListItemsTriggerSql } from '../interactions/interaction-tables';
import { lockActiveVersion, physicalVersions, relationExists } from './1732800000000-interaction-queues-and-metrics';

/**
 * The list by queue walked the queue's lookup rows and probed each one's interaction for its list item: 51 probes of
 * a million-row key a page, 340 µs of PostgreSQL CPU. The lookup rows now carry the item themselves (160 µs a page),
 * kept equal to the interaction's by a statement trigger on every `interactions__v<N>` (whoever writes it). Existing
 * rows are filled here: every `interaction_queues__v<N>` row is rewritten (about 30 s per million here), while the
 * list by queue waits. `interaction_queues` is created again so the view has the column.
 */
export class QueueRowsCarryListItems1733400000000 implements MigrationInterface {
  name = 'QueueRowsCarryListItems1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    await queryRunner.query(QUEUE_LIST_ITEMS_FUNCTION_SQL);
    await queryRunner.query('DROP VIEW IF EXISTS interaction_queues');
    for (const version of await physicalVersions(queryRunner)) {
      // A version whose tables were left half made (a rebuild stopped while creating them) gets its lookup table, with
      // the column and the trigger, when the rebuild resumes (createInteractionTablesSql).
      if (!(await relationExists(queryRunner, `interaction_queues__v${version}`))) continue;
      await queryRunner.query(`ALTER TABLE interaction_queues__v${version} ADD COLUMN IF NOT EXISTS list_item text`);
      await queryRunner.query(
        `UPDATE interaction_queues__v${version} AS q SET list_item = i.list_item
         FROM interactions__v${version} AS i WHERE i.conversation_id = q.conversation_id`,
      );
      for (const statement of queueListItemsTriggerSql(version)) await queryRunner.query(statement);
    }
    await queryRunner.query(`CREATE VIEW interaction_queues AS SELECT * FROM interaction_queues__v${active}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const active = await lockActiveVersion(queryRunner);
    await queryRunner.query('DROP VIEW IF EXISTS interaction_queues');
    for (const version of await physicalVersions(queryRunner)) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS interactions__v${version}_queue_list_items ON interactions__v${version}`);
      await queryRunner.query(`ALTER TABLE IF EXISTS interaction_queues__v${version} DROP COLUMN IF EXISTS list_item`);
    }
    await queryRunner.query('DROP FUNCTION IF EXISTS interaction_queues_follow_list_items');
    await queryRunner.query(`CREATE VIEW interaction_queues AS SELECT * FROM interaction_queues__v${active}`);
  }
}
