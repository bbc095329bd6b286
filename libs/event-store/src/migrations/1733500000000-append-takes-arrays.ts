import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendAnyAfterLocksSql } from './1733000000000-append-function';
import { lockingAppendFunctionStartSql } from './1733300000000-append-locks-without-rewriting';

/**
 * `ledger_append_any_arrays(event_ids, stream_ids, event_types, bodies, metadatas, lock_stream_ids)`: the batch as
 * parallel columns instead of one JSON array of objects. The ids, streams and types come as arrays (the client sends
 * them in PostgreSQL's binary array format), the bodies and the metadata each as one JSON array, zipped back into
 * rows by `ROWS FROM` in batch order. The JSON batch cost PostgreSQL a lexing pass over all of it, then a hash table
 * and a copy of every field of every row (`json_to_recordset`), then a second pass over each body to validate it as
 * `json`: 9–16 µs of backend CPU an event against 4.9–6.0 µs this way (400-event batches of the bench's workload, the
 * rows alone), where an appended event costs the backend 35–50 µs in all. (Bodies as a binary `json[]` cost the
 * backend about 1 µs less but the client about 1.5 µs more, and held each batch's bodies twice outside the heap.)
 *
 * Otherwise it is `ledger_append_any` as AppendLocksWithoutRewriting1733300000000 left it: streams locked in order
 * without being rewritten, their revisions read under the lock, the same insert and notification. That function
 * stays for a release still calling it during a rolling deploy.
 */
export const ARRAYS_APPEND_FUNCTION_SQL = `${lockingAppendFunctionStartSql(
  'ledger_append_any_arrays',
  'event_ids uuid[], stream_ids text[], event_types text[], bodies json, metadatas json, lock_stream_ids text[]',
  'lock_stream_ids',
)}${appendAnyAfterLocksSql(`SELECT * FROM ROWS FROM (unnest(event_ids), unnest(stream_ids), unnest(event_types),
                                   json_array_elements(bodies), json_array_elements(metadatas))
           WITH ORDINALITY AS t(event_id, stream_id, event_type, data, metadata, ordinal)`)}`;

export class AppendTakesArrays1733500000000 implements MigrationInterface {
  name = 'AppendTakesArrays1733500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(ARRAYS_APPEND_FUNCTION_SQL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION IF EXISTS ledger_append_any_arrays(uuid[], text[], text[], json, json, text[])');
  }
}
