import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLedgerConfig } from '../../apps/ledger/src/config/ledger-config';
import { createLedgerApp } from '../../apps/ledger/src/ledger-app';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

/**
 * The schema-drift registry over the real path: events posted to ingest, fingerprinted by the in-process
 * subscriber, reported at GET /v1/admin/schema-drift. Genesys adds a field and an enum value; nothing else notices.
 */
const conversationId = 'd1f70000-0000-4000-8000-000000000001';
const T0 = Date.UTC(2025, 3, 10, 10, 0, 0);
const ACD_END = 'v2.detail.events.conversation.{id}.acd.end';
const CUSTOMER_START = 'v2.detail.events.conversation.{id}.customer.start';
const common = { conversationId, mediaType: 'VOICE', direction: 'INBOUND', ani: 'tel:+3210000000', dnis: 'tel:+3220000000' };

const otherConversationId = 'd1f70000-0000-4000-8000-000000000002';

const message = (kind: string, eventTime: number, body: Record<string, unknown>, id = conversationId) => ({
  topicName: `v2.detail.events.conversation.${id}.${kind}`,
  version: '2',
  eventBody: { eventTime, ...common, conversationId: id, ...body },
});

const events = [
  message('customer.start', T0, { participantId: 'p-customer', sessionId: 's1' }),
  message('acd.start', T0 + 5_000, { participantId: 'p-acd', queueId: 'q-sales' }),
  // A field the SDK does not know, nested, and an acdOutcome value it does not list.
  message('acd.end', T0 + 65_000, {
    participantId: 'p-acd',
    queueId: 'q-sales',
    acdOutcome: 'CALLBACK_SCHEDULED',
    sentiment: { score: 0.4, label: 'calm' },
  }),
  message('customer.end', T0 + 70_000, { participantId: 'p-customer', disconnectType: 'PEER' }),
];

describe('GET /v1/admin/schema-drift', () => {
  let ledger: RunningLedger;
  let db: Client;

  const get = async (path: string) => {
    const response = await fetch(`${ledger.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const post = async (body: unknown) => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const eventIdOf = async (eventType: string, id = conversationId): Promise<string> =>
    (await db.query<{ event_id: string }>('SELECT event_id FROM ledger_events WHERE event_type = $1 AND stream_id = $2', [eventType, `interaction-${id}`])).rows[0]!.event_id;
  const until = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const found = await probe();
      if (found !== undefined) return found;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    ledger = await startLedger();
    db = new Client({ connectionString: ledger.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    // The restart test closes the first app itself; drop the database either way.
    await ledger?.app.close().catch(() => undefined);
    await ledger?.database.drop();
  });

  it('ingestion accepts events with a new field and an unknown enum value like any other', async () => {
    expect(await post(events)).toMatchObject({ status: 202, body: { accepted: 4, duplicates: 0, rejected: [] } });
  });

  it('lists the new fields and the unknown enum value per event type and version, with a sample event id', async () => {
    const report = await until(async () => {
      const response = await get('/v1/admin/schema-drift');
      return response.body.checkpoint?.eventsSeen === 4 ? response : undefined;
    }, 'the drift report');
    expect(report.status).toBe(200);
    const acdEndId = await eventIdOf(ACD_END);
    const seen = { firstSeen: expect.any(String), lastSeen: expect.any(String), occurrences: 1, sampleEventId: acdEndId };
    expect(report.body).toMatchObject({
      baseline: expect.stringContaining('SDK 257.1.0'),
      checkpoint: { position: expect.any(String), eventsSeen: 4 },
      truncated: false,
    });
    // customer.start, acd.start and customer.end match the baseline: only acd.end is listed.
    expect(report.body.items).toEqual([
      {
        eventType: ACD_END,
        topicVersion: '2',
        newFields: [
          { path: 'sentiment', jsonType: 'object', ...seen },
          { path: 'sentiment.label', jsonType: 'string', ...seen },
          { path: 'sentiment.score', jsonType: 'number', ...seen },
        ],
        typeChanges: [],
        unknownEnumValues: [{ path: 'acdOutcome', jsonType: 'string', value: 'CALLBACK_SCHEDULED', ...seen }],
      },
    ]);
    const [first] = report.body.items[0].newFields;
    expect(Date.parse(first.firstSeen)).toBeLessThanOrEqual(Date.now());
  });

  it('counts occurrences over later events, keeps the first sample, and ignores redelivered duplicates', async () => {
    const later = message('acd.end', T0 + 66_000, { participantId: 'p-acd-2', queueId: 'q-sales', sentiment: { score: 0.9, label: 'happy' } }, otherConversationId);
    expect((await post([...events, later])).body).toMatchObject({ accepted: 1, duplicates: 4 });
    const firstId = await eventIdOf(ACD_END);
    const report = await until(async () => {
      const response = await get('/v1/admin/schema-drift?kind=new_field');
      const fields = response.body.items?.[0]?.newFields as { occurrences: number }[] | undefined;
      return fields?.every((field) => field.occurrences === 2) ? response : undefined;
    }, 'the second occurrence');
    expect(report.body.items[0].unknownEnumValues).toEqual([]);
    expect(report.body.items[0].newFields.map((field: { sampleEventId: string }) => field.sampleEventId)).toEqual([firstId, firstId, firstId]);
  });

  it('reports a type change against the baseline type', async () => {
    const isoTime = message('customer.start', T0, { participantId: 'p-other', eventTime: new Date(T0 + 1).toISOString() }, otherConversationId);
    expect((await post(isoTime)).body).toMatchObject({ accepted: 1 });
    const report = await until(async () => {
      const response = await get(`/v1/admin/schema-drift?eventType=${encodeURIComponent(CUSTOMER_START)}`);
      return response.body.items?.length === 1 ? response : undefined;
    }, 'the type change');
    expect(report.body.items[0].typeChanges).toMatchObject([{ path: 'eventTime', jsonType: 'string', expectedType: 'number', occurrences: 1 }]);
  });

  it('projection is unaffected: the interaction is built, the unknown outcome passes through', async () => {
    let last: unknown;
    const interaction = await until(async () => {
      const response = await get(`/v1/interactions/${conversationId}`);
      last = response.body;
      return response.status === 200 && response.body.state?.phase === 'ended' ? response.body : undefined;
    }, 'the projected interaction').catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
    });
    expect(interaction).toMatchObject({ conversationId, eventCount: 4, state: { queueIds: ['q-sales'], acdOutcome: 'CALLBACK_SCHEDULED', disconnectType: 'peer' } });
  });

  it('exports ledger_schema_drift_total by kind', async () => {
    const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
    const value = (kind: string) => Number(new RegExp(`ledger_schema_drift_total\\{kind="${kind}"\\} (\\d+)`).exec(metrics)?.[1]);
    expect(value('new_field')).toBe(6);
    expect(value('unknown_enum_value')).toBe(1);
    expect(value('type_change')).toBe(1);
  });

  it('refuses a bad filter with 400 naming the parameter', async () => {
    const response = await get('/v1/admin/schema-drift?kind=renamed_field');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'QUERY.INVALID_PARAMETER', details: { parameter: 'kind' } });
    expect((await get('/v1/admin/schema-drift?since=yesterday')).body.error.details).toEqual({ parameter: 'since' });
  });

  it('is documented in the OpenAPI document', async () => {
    const document = (await get('/docs-json')).body;
    expect(document.paths['/v1/admin/schema-drift'].get.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual(['eventType', 'kind', 'limit']);
    expect(Object.keys(document.components.schemas.EventTypeDriftDto.properties)).toEqual(['eventType', 'topicVersion', 'newFields', 'typeChanges', 'unknownEnumValues']);
  });

  it('after a restart the subscriber resumes from its checkpoint: nothing is counted twice', async () => {
    const before = (await get('/v1/admin/schema-drift')).body;
    await ledger.app.close();
    const app = await createLedgerApp(loadLedgerConfig({ PORT: '0', LOG_LEVEL: 'error' }), ledger.database.url);
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    try {
      const later = message('customer.end', T0 + 90_000, { participantId: 'p-other', disconnectType: 'TELEPORTED' }, otherConversationId);
      await fetch(`${url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(later) });
      const after = await until(async () => {
        const body = (await (await fetch(`${url}/v1/admin/schema-drift`)).json()) as Record<string, any>;
        return body.checkpoint?.eventsSeen === before.checkpoint.eventsSeen + 1 ? body : undefined;
      }, 'the event after the restart');
      const unchanged = (body: Record<string, any>) => body.items.find((item: { eventType: string }) => item.eventType === ACD_END);
      expect(unchanged(after)).toEqual(unchanged(before));
      const customerEnd = after.items.find((item: { eventType: string }) => item.eventType.endsWith('customer.end'));
      expect(customerEnd.unknownEnumValues).toMatchObject([{ path: 'disconnectType', value: 'TELEPORTED', occurrences: 1 }]);
    } finally {
      await app.close();
    }
  });
});

describe('schema drift by role', () => {
  const boot = (roles: string): Promise<RunningLedger> => startLedger({ LEDGER_ROLES: roles });

  it('role api serves the report without running the subscriber; role projector runs it without the endpoint', async () => {
    const api = await boot('api');
    try {
      await fetch(`${api.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events[2]) });
      await sleep(500);
      const response = await fetch(`${api.url}/v1/admin/schema-drift`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ checkpoint: null, items: [] });
    } finally {
      await api.close();
    }
    const projector = await boot('projector');
    try {
      expect((await fetch(`${projector.url}/v1/admin/schema-drift`)).status).toBe(404);
    } finally {
      await projector.close();
    }
  });
});

describe('schema drift when its own writes fail', () => {
  it('gives up on the rows of a batch that keeps failing and goes on with the next events', async () => {
    const ledger = await startLedger({ LOG_LEVEL: 'fatal' });
    const db = new Client({ connectionString: ledger.database.url });
    await db.connect();
    try {
      // Stands for any row the database refuses whatever the retries.
      await db.query("ALTER TABLE schema_fields ADD CONSTRAINT refuse_poison CHECK (path <> 'poison')");
      const post = (body: unknown) => fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post(message('acd.start', T0, { queueId: 'q', poison: true }))).status).toBe(202);
      const checkpoint = async () => (await db.query<{ events_seen: string }>('SELECT events_seen FROM schema_drift_checkpoints')).rows[0];
      for (let attempt = 0; attempt < 100 && !(await checkpoint()); attempt += 1) await sleep(100);
      expect(await checkpoint()).toEqual({ events_seen: '0' });
      expect((await post(message('acd.end', T0 + 1, { queueId: 'q', fine: 1 }))).status).toBe(202);
      for (let attempt = 0; attempt < 100 && (await checkpoint())?.events_seen !== '1'; attempt += 1) await sleep(100);
      const paths = (await db.query<{ path: string }>("SELECT path FROM schema_fields WHERE kind = 'new_field'")).rows.map((row) => row.path);
      expect(paths).toEqual(['fine']);
    } finally {
      await db.end();
      await ledger.close();
    }
  });
});
