import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_append_any` planned both its statements afresh on every call (`plan_cache_mode = force_custom_plan`), so
 * that a plan made while the store was small could not go on scanning it once it had grown. Every lookup in the
 * function is a probe by key for the batch's rows, whatever the store's size: with sequential scans, hash and merge
 * joins ruled out inside it, any plan PostgreSQL makes probes the indexes, and the plan each session caches after
 * its first calls stays right. 100,000 events appended by one writer: 20,400-21,700 → 23,000-25,200 events/s;
 * 490,000: 18,500 → 21,900.
 */
export class AppendFunctionKeepsPlans1733200000000 implements MigrationInterface {
  name = 'AppendFunctionKeepsPlans1733200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER FUNCTION ledger_append_any(json, text[])
         RESET plan_cache_mode SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER FUNCTION ledger_append_any(json, text[])
         RESET enable_seqscan RESET enable_hashjoin RESET enable_mergejoin SET plan_cache_mode = force_custom_plan`,
    );
  }
}
