import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryInt8Array, binaryTextArray, binaryTimestamptzArray, binaryUuidArray } from '../../libs/event-store/src/postgres/binary-arrays';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('arrays in PostgreSQL binary format, as the append binds them', () => {
  let database: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  const echo = async (cast: string, value: Buffer) =>
    (await client.query<{ items: unknown[] | null; n: number | null }>(`SELECT $1::${cast} AS items, cardinality($1::${cast}) AS n`, [value])).rows[0];

  it('text: any characters, empty strings and NULLs come back as sent', async () => {
    const values = ['interaction-1', '', 'ünïcødé 😀 "quoted" \\ back, {braces}', null, 'x'.repeat(70_000)];
    expect(await echo('text[]', binaryTextArray(values))).toEqual({ items: values, n: 5 });
  });

  it('uuid: with and without hyphens, in any case; anything else is refused before it is sent', async () => {
    const ids = [randomUUID(), randomUUID().toUpperCase(), randomUUID().replaceAll('-', '')];
    const row = await echo('uuid[]', binaryUuidArray(ids));
    expect(row?.items).toEqual(ids.map((id) => (id.length === 32 ? id.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') : id).toLowerCase()));
    expect(() => binaryUuidArray(['not-a-uuid'])).toThrow(TypeError);
    expect(() => binaryUuidArray([`${randomUUID()}0`])).toThrow(/is not a UUID/);
  });

  it('bigint: from strings and bigints, the full signed 64-bit range', async () => {
    const values = ['0', '1', '-1', '1847590951', '9223372036854775807', '-9223372036854775808', 4_503_599_627_370_497n];
    const row = await echo('bigint[]', binaryInt8Array(values));
    // node-postgres hands int8 back as decimal strings.
    expect(row).toEqual({ items: values.map(String), n: 7 });
  });

  it('timestamptz: milliseconds before and after 2000, and NULLs, as PostgreSQL reads them', async () => {
    const instants = ['2025-03-03T09:47:22.698Z', '1999-12-31T23:59:59.999Z', '2000-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z', '2262-04-11T23:47:16.854Z'];
    const values = [...instants.map((iso) => Date.parse(iso)), null];
    const row = (
      await client.query<{ items: (string | null)[] }>(
        `SELECT array(SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM unnest($1::timestamptz[]) WITH ORDINALITY AS u(t, n) ORDER BY n) AS items`,
        [binaryTimestamptzArray(values)],
      )
    ).rows[0];
    expect(row?.items).toEqual([...instants, null]);
    expect(() => binaryTimestamptzArray([Number.NaN])).toThrow(/not a finite number/);
  });

  it('empty arrays', async () => {
    expect(await echo('text[]', binaryTextArray([]))).toEqual({ items: [], n: 0 });
    expect(await echo('uuid[]', binaryUuidArray([]))).toEqual({ items: [], n: 0 });
    expect(await echo('bigint[]', binaryInt8Array([]))).toEqual({ items: [], n: 0 });
    expect(await echo('timestamptz[]', binaryTimestamptzArray([]))).toEqual({ items: [], n: 0 });
  });
});
