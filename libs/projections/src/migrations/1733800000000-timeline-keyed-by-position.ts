import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INTERACTION_PROJECTOR_LOCK } from '../interactions/interaction-projector';
import { physicalVersions, relationExists } from './1732800000000-interaction-queues-and-metrics';

/**
 * Timeline rows were keyed by event id, a random UUID: every row a catch-up inserted went down to a random page of
 * that index. The projector inserts in position order, so keyed by (position, event id) each insert lands on the
 * index's last page (400,000 events, four alternating pairs: PostgreSQL's CPU 30.5–39.3 → 25.1–31.6 µs an event, the
 * catch-up 4–10% faster). A stored event has one position as it has one id; the id stays in the key so that two
 * events are never taken for one should a store give them the same position. No query looks a row up by id alone.
 * The key is rebuilt on every version under an exclusive lock (the timeline's readers and its projector wait; about
 * 0.3 s per million rows here). An older release's projector names the event id as its conflict key and cannot
 * write to the timeline after this (its batches would end in dead letters), so the migration refuses to run while a
 * projector holds its single-writer lock in this database: stop the older release's projector, then start this one
 * (README → Upgrading).
 */
export class TimelineKeyedByPosition1733800000000 implements MigrationInterface {
  name = 'TimelineKeyedByPosition1733800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const writers: { pid: number }[] = await queryRunner.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objsubid = 2
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [INTERACTION_PROJECTOR_LOCK],
    );
    if (writers.length > 0) {
      throw new Error(
        `${this.name}: a projector is writing to this database (backend pid ${writers.map((w) => w.pid).join(', ')}); an earlier release's ` +
          "cannot write to the timeline once this migration has changed its key: stop every older instance's projector role, then start this release again",
      );
    }
    await rekey(queryRunner, 'position, event_id');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rekey(queryRunner, 'event_id');
  }
}

async function rekey(queryRunner: QueryRunner, columns: 'position, event_id' | 'event_id'): Promise<void> {
  for (const version of await physicalVersions(queryRunner)) {
    const table = `interaction_events__v${version}`;
    if (!(await relationExists(queryRunner, table))) continue;
    const keys: { name: string }[] = await queryRunner.query("SELECT conname AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'", [table]);
    const drop = keys.map((key) => `DROP CONSTRAINT ${key.name}, `).join('');
    await queryRunner.query(`ALTER TABLE ${table} ${drop}ADD CONSTRAINT ${table}_pkey PRIMARY KEY (${columns})`);
  }
}
