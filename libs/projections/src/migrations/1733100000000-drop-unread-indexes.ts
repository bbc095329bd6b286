import type { MigrationInterface, QueryRunner } from 'typeorm';
import { physicalVersions } from './1732800000000-interaction-queues-and-metrics';

/**
 * Two indexes no query reads, which every projector write kept up to date: `interactions__v<N>_started` (started_at)
 * repeats the leading column of `interactions__v<N>_active` (started_at, ended_at), which serves the same ranges,
 * and `interaction_events__v<N>_time` (event_time) backs no query at all (timelines are read by conversation, through
 * `_timeline`). Catching up 1,000,000 events inserts a million timeline rows and rewrites each interaction a few
 * times: each of those paid one index insertion more.
 */
export class DropUnreadIndexes1733100000000 implements MigrationInterface {
  name = 'DropUnreadIndexes1733100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const version of await physicalVersions(queryRunner)) {
      await queryRunner.query(`DROP INDEX IF EXISTS interactions__v${version}_started`);
      await queryRunner.query(`DROP INDEX IF EXISTS interaction_events__v${version}_time`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const version of await physicalVersions(queryRunner)) {
      await queryRunner.query(`CREATE INDEX IF NOT EXISTS interactions__v${version}_started ON interactions__v${version} (started_at)`);
      await queryRunner.query(`CREATE INDEX IF NOT EXISTS interaction_events__v${version}_time ON interaction_events__v${version} (event_time)`);
    }
  }
}
