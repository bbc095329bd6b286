import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Timeline bodies (`interaction_events__v<N>.data`, `.metadata`) become `json`: nothing queries inside them with
 * jsonb operators, and `json` is stored as received instead of being decomposed, which was the largest single cost
 * of projecting an event (about 40 % of the timeline insert). Every version's table is converted; the view's column
 * types are fixed when it is created, so it is dropped first and pointed at the active version again.
 */
export class TimelineBodiesAsJson1732700000000 implements MigrationInterface {
  name = 'TimelineBodiesAsJson1732700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.convert(queryRunner, 'json');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.convert(queryRunner, 'jsonb');
  }

  private async convert(queryRunner: QueryRunner, type: 'json' | 'jsonb'): Promise<void> {
    const tables: { table_name: string }[] = await queryRunner.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name ~ '^interaction_events__v[0-9]+$'",
    );
    // Locked: a swap committing meanwhile (another instance, during a rolling deploy) would leave this view behind.
    const active: { active_version: number }[] = await queryRunner.query(
      "SELECT active_version FROM projection_versions WHERE projection = 'interactions' FOR UPDATE",
    );
    await queryRunner.query('DROP VIEW IF EXISTS interaction_events');
    for (const { table_name } of tables) {
      await queryRunner.query(
        `ALTER TABLE ${table_name} ALTER COLUMN data TYPE ${type} USING data::${type}, ALTER COLUMN metadata TYPE ${type} USING metadata::${type}`,
      );
    }
    await queryRunner.query(`CREATE VIEW interaction_events AS SELECT * FROM interaction_events__v${active[0]?.active_version ?? 1}`);
  }
}
