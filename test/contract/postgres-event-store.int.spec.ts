import { randomUUID } from 'node:crypto';
import { Client, Pool, type PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendInOneTransaction,
  EVENT_STORE_MIGRATIONS,
  POSITION_TRANSACTION_SHIFT,
  PostgresEventStore,
  runMigrations,
  sqlLiteral,
  type AppendOutcome,
  type AppendRequest,
} from '@ledger/event-store';
import { binaryTextArray, binaryUuidArray } from '../../libs/event-store/src/postgres/binary-arrays';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { describeEventStoreContract } from './event-store-contract';

describeEventStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase();
  await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
  const store = new PostgresEventStore({ connectionString: database.url, pollIntervalMs: 200 });
  return {
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
});

describe('PostgreSQL store: concurrent batches over overlapping streams', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await createTestDatabase();
    await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 8 });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** A counter of this database in pg_stat_database (backends report it when they next go idle, within 1 s). */
  async function databaseStat(column: 'deadlocks' | 'xact_rollback'): Promise<number> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query<{ n: string }>(`SELECT ${column} AS n FROM pg_stat_database WHERE datname = current_database()`);
      return Number(result.rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }
  const deadlocks = () => databaseStat('deadlocks');
  const rollbacks = () => databaseStat('xact_rollback');

  it('never deadlocks, whichever streams are new and whichever already exist, and numbers every stream without gaps', async () => {
    // Every round, half of a fresh set of streams exists before the race and each writer's batch mixes existing and
    // new ones in a random order: a store that locked existing streams before creating new ones would lock in
    // different orders in different batches.
    const before = await deadlocks();
    const streams: string[] = [];
    for (let round = 0; round < 20; round++) {
      const roundStreams = Array.from({ length: 48 }, (_, index) => `race-${round}-${index}-${randomUUID()}`);
      streams.push(...roundStreams);
      await store.appendMany(roundStreams.filter((_, index) => index % 2 === 0).map((streamId) => ({ streamId, events: [event()] })));
      const batch = (): AppendRequest[] =>
        [...roundStreams].sort(() => Math.random() - 0.5).slice(0, 24).map((streamId) => ({ streamId, events: [event(), event()] }));
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.appendMany(batch())));
      expect(outcomes.flat().every((outcome) => outcome.ok && outcome.appended === 2)).toBe(true);
    }
    for (const streamId of streams) {
      const revisions = (await store.readStream(streamId)).map((recorded) => Number(recorded.revision));
      expect(revisions).toEqual(revisions.map((_, index) => index));
    }
    // The statistics of the backends that ran the batches reach pg_stat_database when they next report (≤ 1 s idle).
    await store.close();
    store = new PostgresEventStore({ connectionString: database.url });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await deadlocks()).toBe(before);
  });

  it('sees what a racing batch stored in the same streams once it holds their locks: no insert fails, nothing is retried', async () => {
    // Redeliveries in flight at once: 8 writers send overlapping slices of the same events. Each must find the ids
    // the others committed while it waited for the stream locks, instead of failing on the unique key and retrying.
    await store.close();
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 8 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = await rollbacks();
    const streams = Array.from({ length: 30 }, () => `redelivery-${randomUUID()}`);
    const events = new Map(streams.map((streamId) => [streamId, Array.from({ length: 6 }, () => event())]));
    const slice = (writer: number): AppendRequest[] =>
      streams.filter((_, index) => (index + writer) % 3 !== 0).map((streamId) => ({ streamId, events: (events.get(streamId) ?? []).slice(writer % 3, (writer % 3) + 4) }));
    const outcomes = (await Promise.all(Array.from({ length: 8 }, (_, writer) => store.appendMany(slice(writer))))).flat();
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    for (const streamId of streams) {
      const stored = await store.readStream(streamId);
      expect(stored.map((recorded) => recorded.revision)).toEqual(stored.map((_, index) => BigInt(index)));
      expect(new Set(stored.map((recorded) => recorded.eventId)).size).toBe(stored.length);
    }
    const appended = outcomes.reduce((sum, outcome) => sum + (outcome.ok ? outcome.appended : 0), 0);
    const distinct = new Set([0, 1, 2, 3, 4, 5, 6, 7].flatMap((writer) => slice(writer).flatMap((request) => request.events.map((written) => written.eventId))));
    expect(appended).toBe(distinct.size);
    await store.close();
    store = new PostgresEventStore({ connectionString: database.url, poolSize: 8 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await rollbacks()).toBe(before);
  });

  it('keeps odd stream ids, types and bodies exact (values travel as escaped SQL literals)', async () => {
    const streamId = `odd-'quote'-\\back\\slash-"dq"-ünï-${randomUUID()}`;
    const data = { text: "it's \\ a \"test\" \n ✓ 😀", nested: { "k'ey": ["\\", "''"] } };
    const written = { eventId: randomUUID(), eventType: "odd.type'\\", data, metadata: { note: "o'\\" } };
    await store.appendToStream(streamId, [written]);
    const [stored] = await store.readStream(streamId);
    expect(stored).toMatchObject({ streamId, eventType: written.eventType, data, metadata: written.metadata });
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      for (const conforming of ['on', 'off']) {
        await client.query(`SET standard_conforming_strings = ${conforming}`);
        for (const value of ["plain", "it's", "back\\slash", "\\'", "E'x'", "ünï 😀", ""]) {
          const result = await client.query<{ v: string }>(`SELECT ${sqlLiteral(value)}::text AS v`);
          expect(result.rows[0]?.v).toBe(value);
        }
      }
    } finally {
      await client.end();
    }
  });

  it('reports a retry that raced its own original past the stream lock as duplicates, not as a revision conflict', async () => {
    const streamId = `retry-${randomUUID()}`;
    await store.appendToStream(streamId, [event()]);
    const request: AppendRequest = { streamId, events: [event(), event()], expectedRevision: 0n };
    // The original holds the stream's lock until released; the retry starts meanwhile and waits for that lock.
    const pool = new Pool({ connectionString: database.url, max: 1 });
    pool.on('error', () => undefined); // an idle client closed by the FORCE drop after the suite is no failure
    const client = await pool.connect();
    let release: () => void = () => undefined;
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const original = appendInOneTransaction(client, [request], {
      beforeCommit: () => {
        holding();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    await held;
    const retry = store.appendMany([request]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await original).toEqual([expect.objectContaining({ ok: true, appended: 2, nextExpectedRevision: 2n })]);
    expect(await retry).toEqual([expect.objectContaining({ ok: true, appended: 0, duplicates: 2, nextExpectedRevision: 2n })]);
    client.release();
    await pool.end();
    expect((await store.readStream(streamId)).map((recorded) => recorded.revision)).toEqual([0n, 1n, 2n]);
  });
});


describe('PostgreSQL store: the one-round-trip append of unconditional batches', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('a session that began on an empty store still probes by key once the store has grown: no scan, no index walked whole', async () => {
    // Plans cached by a session's first calls, while the store was empty, once went on reading every stored event to
    // find a batch's duplicates after it had grown (appending 100,000 events 2.6 times slower). The function keeps its
    // plans, and rules out every plan that reads more than the batch's keys.
    const database = await createTestDatabase();
    databases.push(database);
    await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
    const admin = new Client({ connectionString: database.url });
    const session = new Client({ connectionString: database.url });
    await Promise.all([admin.connect(), session.connect()]);
    let appended = 0;
    const appendSome = async (round: number) => {
      for (let batch = 0; batch < 8; batch++) {
        const requests = Array.from({ length: 10 }, (_, index) => ({ streamId: `grow-${round}-${batch}-${index}`, events: [event(), event()] }));
        await appendInOneTransaction(session as unknown as PoolClient, requests);
        appended += 20;
      }
    };
    const reads = async (): Promise<{ scans: number; indexTuples: number }> => {
      // The session's counts reach the statistics views when it goes idle after asking for a flush.
      await session.query('SELECT pg_stat_force_next_flush()');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const result = await admin.query<{ scans: string; index_tuples: string }>(
        `SELECT t.seq_scan AS scans, (SELECT sum(i.idx_tup_read) FROM pg_stat_user_indexes i WHERE i.relid = t.relid) AS index_tuples
         FROM pg_stat_user_tables t WHERE t.relname = 'ledger_events'`,
      );
      return { scans: Number(result.rows[0]?.scans ?? 0), indexTuples: Number(result.rows[0]?.index_tuples ?? 0) };
    };
    try {
      // No ANALYZE meanwhile (it would throw the cached plans away): the store grows under the session's feet.
      await admin.query('ALTER TABLE ledger_events SET (autovacuum_enabled = false)');
      await appendSome(0);
      await admin.query(
        `INSERT INTO ledger_events (position, event_id, stream_id, revision, event_type, data, metadata)
         SELECT n, gen_random_uuid(), 'bulk-' || n / 10, n % 10, 'test.event', json_build_object('pad', repeat('x', 400)), '{}'
         FROM generate_series(1, 100000) AS n`,
      );
      const before = await reads();
      await appendSome(1);
      const after = await reads();
      expect(after.scans).toBe(before.scans);
      // Probes find at most the ids already stored (none here) and the rows just written; one walk of an index of
      // ledger_events would read 100,000.
      expect(after.indexTuples - before.indexTuples).toBeLessThan(1000);
      const grown = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_events WHERE stream_id LIKE 'grow-%'");
      expect(grown.rows[0]?.n).toBe(appended);
    } finally {
      await Promise.all([session.end(), admin.end()]);
    }
  });

  /** One call of each append function: the arrays one the store calls, and the JSON one kept for older releases. */
  const appendFunctions = {
    ledger_append_any_arrays: (client: Client, rows: { event_id: string; stream_id: string; event_type: string; data: unknown; metadata: unknown }[], streams: string[]) =>
      client.query<{ kind: string; id: string; revision: string }>(
        'SELECT kind, id, revision::text AS revision FROM ledger_append_any_arrays($1::uuid[], $2::text[], $3::text[], $4::json, $5::json, $6::text[])',
        [
          binaryUuidArray(rows.map((row) => row.event_id)),
          binaryTextArray(rows.map((row) => row.stream_id)),
          binaryTextArray(rows.map((row) => row.event_type)),
          JSON.stringify(rows.map((row) => row.data)),
          JSON.stringify(rows.map((row) => row.metadata)),
          [...streams].sort(),
        ],
      ),
    ledger_append_any: (client: Client, rows: { event_id: string; stream_id: string; event_type: string; data: unknown; metadata: unknown }[], streams: string[]) =>
      client.query<{ kind: string; id: string; revision: string }>('SELECT kind, id, revision::text AS revision FROM ledger_append_any($1::json, $2::text[])', [
        JSON.stringify(rows),
        [...streams].sort(),
      ]),
  };

  it.each(Object.keys(appendFunctions) as (keyof typeof appendFunctions)[])('%s locks each stream of a batch without writing it back: one new row version per stream, the move of its revision', async (name) => {
    // The lock was an upsert whose DO UPDATE rewrote every existing stream row unchanged, then the insert moved it
    // again: two versions per stream and batch. DO UPDATE ... WHERE false locks the row and writes nothing.
    const database = await createTestDatabase();
    databases.push(database);
    await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
    const writer = new Client({ connectionString: database.url });
    const racer = new Client({ connectionString: database.url });
    await Promise.all([writer.connect(), racer.connect()]);
    const existing = Array.from({ length: 10 }, (_, index) => `locked-${index}`);
    const fresh = Array.from({ length: 5 }, (_, index) => `fresh-${index}`);
    const call = (client: Client, streams: string[]) => {
      const batch = streams.flatMap((streamId) => [event(), event()].map((e) => ({ event_id: e.eventId, stream_id: streamId, event_type: e.eventType, data: e.data, metadata: e.metadata })));
      return appendFunctions[name](client, batch, streams);
    };
    try {
      // From the other session: the writer's counts below are its transaction's alone.
      await call(racer, existing);
      await writer.query('BEGIN');
      const result = await call(writer, [...existing, ...fresh]);
      const counts = await writer.query<{ upd: string; ins: string }>(
        "SELECT n_tup_upd AS upd, n_tup_ins AS ins FROM pg_stat_xact_user_tables WHERE relname = 'ledger_streams'",
      );
      expect(counts.rows[0]).toEqual({ upd: '15', ins: '5' });
      // The revisions before the batch, read under the lock: 1 for the streams that had two events, -1 for new ones.
      const before = new Map(result.rows.filter((row) => row.kind === 's').map((row) => [row.id, row.revision]));
      expect(Object.fromEntries(before)).toEqual(Object.fromEntries([...existing.map((id) => [id, '1']), ...fresh.map((id) => [id, '-1'])]));
      // Still locked by the open transaction, existing and new streams alike: a racing batch waits.
      await racer.query("SET lock_timeout = '300ms'");
      await expect(call(racer, [existing[3] as string])).rejects.toThrow(/lock timeout/);
      await expect(call(racer, [fresh[2] as string])).rejects.toThrow(/lock timeout/);
      await writer.query('COMMIT');
      const after = await call(racer, [existing[3] as string]);
      expect(after.rows.filter((row) => row.kind === 'e').map((row) => row.revision)).toEqual(['4', '5']);
    } finally {
      await Promise.all([writer.end(), racer.end()]);
    }
  });

  /**
   * The same history appended twice, into two stores: once as given (every request `any`: one round trip, revisions
   * numbered by PostgreSQL), once with an extra empty request that expects its stream to exist, which sends the
   * batch down the two-round-trip path (empty, it succeeds whatever it expects and changes nothing else).
   */
  it('reports and stores what the two-round-trip path does: repeats, stored ids, several requests per stream, id case', async () => {
    const pair = await Promise.all([createTestDatabase(), createTestDatabase()]);
    databases.push(...pair);
    const stores = pair.map((database) => new PostgresEventStore({ connectionString: database.url }));
    try {
      for (const database of pair) await runMigrations(database.url, EVENT_STORE_MIGRATIONS);
      const streams = Array.from({ length: 6 }, (_, index) => `same-${index}`);
      const known: { streamId: string; eventId: string }[] = [];
      let seed = 7;
      const random = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
      const batches: AppendRequest[][] = Array.from({ length: 12 }, () =>
        Array.from({ length: 1 + random(6) }, () => {
          const streamId = streams[random(streams.length)] as string;
          const events = Array.from({ length: random(5) }, () => {
            const ofStream = known.filter((stored) => stored.streamId === streamId);
            // A third repeat an id this stream has had (stored before, or earlier in this batch); a third are in upper case.
            const repeat = ofStream.length > 0 && random(3) === 0 ? (ofStream[random(ofStream.length)] as { eventId: string }).eventId : null;
            const eventId = repeat ?? randomUUID();
            if (!repeat) known.push({ streamId, eventId });
            return { ...event(), eventId: random(3) === 0 ? eventId.toUpperCase() : eventId };
          });
          return { streamId, events };
        }),
      );
      const [oneTrip, twoTrips] = stores as [PostgresEventStore, PostgresEventStore];
      await twoTrips.appendToStream('same-anchor', [event()]);
      await oneTrip.appendToStream('same-anchor', [event()]);
      for (const batch of batches) {
        const viaOne = await oneTrip.appendMany(batch);
        const viaTwo = (await twoTrips.appendMany([...batch, { streamId: 'same-anchor', events: [], expectedRevision: 'stream_exists' }])).slice(0, -1);
        const comparable = (outcomes: AppendOutcome[]) =>
          outcomes.map((outcome) =>
            outcome.ok
              ? { ...outcome, position: outcome.position === null ? null : outcome.position & BigInt(2 ** POSITION_TRANSACTION_SHIFT - 1) }
              : outcome,
          );
        expect(comparable(viaOne)).toEqual(comparable(viaTwo));
      }
      const appended = batches.flat().reduce((sum, request) => sum + request.events.length, 0);
      expect(appended).toBeGreaterThan(40);
      for (const streamId of streams) {
        const [a, b] = await Promise.all(stores.map((store) => store.readStream(streamId)));
        expect(a?.map((recorded) => [recorded.eventId, recorded.revision, recorded.data])).toEqual(
          b?.map((recorded) => [recorded.eventId, recorded.revision, recorded.data]),
        );
        expect(a?.map((recorded) => recorded.revision)).toEqual(a?.map((_, index) => BigInt(index)));
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

function event() {
  return { eventId: randomUUID(), eventType: 'test.event', data: { n: Math.random() }, metadata: {} };
}
