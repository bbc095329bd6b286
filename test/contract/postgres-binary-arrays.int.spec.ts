import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryTextArray, binaryUuidArray } from '../../libs/event-store/src/postgres/binary-arrays';
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

  it('empty arrays', async () => {
    expect(await echo('text[]', binaryTextArray([]))).toEqual({ items: [], n: 0 });
    expect(await echo('uuid[]', binaryUuidArray([]))).toEqual({ items: [], n: 0 });
  });
});
