import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { IngestBodyError } from './ingest-errors';
import { normaliseMessage } from './normalise-message';
import { pathOfNulCharacter } from './nul-character';
import { IngestRequestParser, parseIngestRequest, type ParseIngestOptions } from './parse-ingest-request';
import { compileTopicPatterns } from './topic-catalogue';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/genesys');
const fixture = (name: string): string => readFileSync(path.join(fixtures, name), 'utf8');
const receivedAt = new Date('2026-01-02T03:04:05.000Z');
const options: ParseIngestOptions = { contentType: 'application/json', maxItems: 1000, source: 'webhook', receivedAt };
const parse = (body: unknown, extra: Partial<ParseIngestOptions> = {}) =>
  parseIngestRequest(typeof body === 'string' ? body : JSON.stringify(body), { ...options, ...extra });

const customerStart = JSON.parse(fixture('01_customer.start_eventbridge.json')) as { detail: Record<string, unknown> };
const conversationId = '2f7bf00a-0fc2-4d6a-9b56-92238191433e';

describe('parsing the shared Genesys samples', () => {
  const eventSamples = readdirSync(fixtures).filter((name) => /eventbridge|websocket/.test(name) && !name.includes('NEGATIVE'));

  it.each(eventSamples)('%s parses into an event or a filtered item, never a rejection', (name) => {
    const parsed = parse(fixture(name));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.events.length + parsed.filtered.length).toBe(1);
  });

  it('the EventBridge customer.start lands on its interaction stream with the template as type', () => {
    const [first] = parse(fixture('01_customer.start_eventbridge.json')).events;
    expect(first?.event).toMatchObject({
      streamId: `interaction-${conversationId}`,
      eventType: 'v2.detail.events.conversation.{id}.customer.start',
      data: customerStart.detail['eventBody'],
      metadata: {
        topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
        topicVersion: '2',
        source: 'eventbridge',
        eventTime: new Date(1649237444949).toISOString(),
        receivedAt: receivedAt.toISOString(),
        correlationId: 'fe8a8579-b83f-4f07-b371-2b39398f91a8',
      },
    });
  });

  it('rejects the negative sample because detail-type and topicName disagree', () => {
    const parsed = parse(fixture('04_NEGATIVE_non-conversation-detail-type_eventbridge.json'));
    expect(parsed.events).toEqual([]);
    expect(parsed.rejected).toEqual([
      expect.objectContaining({ index: 0, code: 'INGEST.DETAIL_TYPE_MISMATCH', message: expect.stringContaining('v2.something.but.conversation.{id}.customer.start') }),
    ]);
  });

  it('filters the channel heartbeat and v2.system messages', () => {
    const parsed = parse([
      JSON.parse(fixture('05_channel.metadata_heartbeat.json')),
      { topicName: 'v2.system.socket_closing', eventBody: { message: 'closing' } },
    ]);
    expect(parsed.filtered.map((item) => item.reason)).toEqual(['channel heartbeat', 'system message']);
    expect(parsed.events).toEqual([]);
  });

  it('keeps unknown topics under genesys-<template> and user status under user-<id>', () => {
    const userId = '5e84b5b5-eefa-4e70-96ab-3c3e6b21d47b';
    const parsed = parse([
      { topicName: `v2.users.${userId}.presence`, eventBody: { presenceDefinition: { systemPresence: 'Available' } } },
      { topicName: `v2.flows.${userId}.something.new`, eventBody: { x: 1 } },
      fixture('03_v2.conversations.chats.id.messages.json') && JSON.parse(fixture('03_v2.conversations.chats.id.messages.json')),
    ]);
    expect(parsed.events.map((item) => item.event.streamId)).toEqual([
      `user-${userId}`,
      'genesys-v2.flows.{id}.something.new',
      'interaction-aa06a6fc-1fdf-4e59-b8a1-df3ca44f523e',
    ]);
  });
});

describe('event identity', () => {
  it('the same event by EventBridge and by the Notifications API has one id', () => {
    const viaEventBridge = parse(customerStart).events[0]?.event;
    const viaWebSocket = parse(customerStart.detail, { source: 'notifications', receivedAt: new Date() }).events[0]?.event;
    expect(viaEventBridge?.eventId).toBeDefined();
    expect(viaWebSocket?.eventId).toBe(viaEventBridge?.eventId);
    expect(viaWebSocket?.metadata.source).toBe('notifications');
  });

  it('one conversation snapshot seen on a queue topic and on a user topic is one event', () => {
    const body = { id: conversationId, participants: [{ id: 'p1', startTime: '2026-01-01T10:00:00.000Z' }] };
    const onQueue = parse({ topicName: `v2.routing.queues.${'1'.repeat(8)}-1111-1111-1111-${'1'.repeat(12)}.conversations.calls`, eventBody: body });
    const onUser = parse({ topicName: `v2.users.${'2'.repeat(8)}-2222-2222-2222-${'2'.repeat(12)}.conversations`, eventBody: body });
    expect(onQueue.events[0]?.event.eventId).toBe(onUser.events[0]?.event.eventId);
    expect(onQueue.events[0]?.event.streamId).toBe(`interaction-${conversationId}`);
    expect(onQueue.events[0]?.event.metadata.eventTime).toBe('2026-01-01T10:00:00.000Z');
  });

  it('dates a snapshot by when Genesys sent it, not by the older times inside it', () => {
    const body = { id: conversationId, participants: [{ id: 'p1', connectedTime: '2026-01-01T10:00:00.000Z', held: false }] };
    const parsed = parse({ topicName: `v2.users.${'2'.repeat(8)}-2222-2222-2222-${'2'.repeat(12)}.conversations`, eventBody: body, timestamp: '2026-01-01T10:05:00.000Z' });
    expect(parsed.events[0]?.event.metadata.eventTime).toBe('2026-01-01T10:05:00.000Z');
  });

  it('reads an eventTime no date can hold as missing, as an unreadable string is: the send time stands in', () => {
    const withTime = (eventTime: unknown) => ({ ...customerStart, detail: { ...customerStart.detail, eventBody: { ...(customerStart.detail['eventBody'] as object), eventTime } } });
    const sentAt = parse(withTime(undefined)).events[0]?.event.metadata.eventTime;
    expect(sentAt).toMatch(/^2022-04-06T09:30:45\.\d{3}Z$/);
    for (const eventTime of [1e20, -8.7e15, -1, 'not a time']) {
      const parsed = parse(withTime(eventTime));
      expect(parsed.rejected).toEqual([]);
      expect(parsed.events[0]?.event.metadata.eventTime).toBe(sentAt);
    }
    expect(parse(withTime(1649237444949.7)).events[0]?.event.metadata.eventTime).toBe('2022-04-06T09:30:44.949Z');
  });

  it('property: ids are stable across key order and whitespace of the JSON', () => {
    const jsonValue = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), jsonValue, { maxKeys: 8 }), fc.integer({ min: 0, max: 4 }), (body, indent) => {
        const message = { topicName: `v2.detail.events.conversation.${conversationId}.acd.start`, version: '2', eventBody: body };
        const reordered = JSON.parse(JSON.stringify(message, null, indent), (_key, value: unknown) => reverseKeys(value));
        const text = JSON.stringify(reordered, null, indent);
        const a = parse(message).events[0]?.event.eventId;
        const b = parse(text).events[0]?.event.eventId;
        expect(a).toBeDefined();
        expect(b).toBe(a);
        expect(canonicalJson(reordered)).toBe(canonicalJson(message));
      }),
    );
  });

  it('different content gives different ids', () => {
    const a = parse({ topicName: `v2.detail.events.conversation.${conversationId}.acd.start`, eventBody: { eventTime: 1 } });
    const b = parse({ topicName: `v2.detail.events.conversation.${conversationId}.acd.start`, eventBody: { eventTime: 2 } });
    expect(a.events[0]?.event.eventId).not.toBe(b.events[0]?.event.eventId);
  });
});

describe('bad input', () => {
  it.each([
    ['malformed JSON', '{"topicName": ', 'application/json', 'INGEST.MALFORMED_JSON'],
    ['an empty body', '   ', 'application/json', 'INGEST.EMPTY_BODY'],
    ['an empty array', '[]', 'application/json', 'INGEST.EMPTY_BODY'],
    ['a wrong content type', '{}', 'text/plain', 'INGEST.UNSUPPORTED_MEDIA_TYPE'],
    ['a missing content type', '{}', undefined, 'INGEST.UNSUPPORTED_MEDIA_TYPE'],
  ])('%s is refused whole', (_name, body, contentType, code) => {
    expect(() => parseIngestRequest(body, { ...options, contentType })).toThrowError(expect.objectContaining({ code }) as unknown as Error);
  });

  it('more items than the batch limit are refused whole', () => {
    const error = (() => {
      try {
        parse(Array.from({ length: 1001 }, () => ({})));
        return null;
      } catch (caught) {
        return caught as IngestBodyError;
      }
    })();
    expect(error).toBeInstanceOf(IngestBodyError);
    expect(error?.code).toBe('INGEST.BATCH_TOO_LARGE');
    expect(error?.details).toMatchObject({ items: 1001, limit: 1000 });
  });

  it('mixed batches keep the good items and name the bad ones by index', () => {
    const parsed = parse([customerStart, 42, { topicName: 'v2.detail.events.conversation.customer.start', eventBody: {} }, { hello: 'world' }, { topicName: 'v2.x', eventBody: 'nope' }]);
    expect(parsed.events.map((item) => item.index)).toEqual([0]);
    expect(parsed.rejected.map(({ index, code }) => [index, code])).toEqual([
      [1, 'INGEST.NOT_AN_OBJECT'],
      [2, 'INGEST.NO_CONVERSATION_ID'],
      [3, 'INGEST.UNKNOWN_ENVELOPE'],
      [4, 'INGEST.MISSING_EVENT_BODY'],
    ]);
  });

  it('a slice at a time gives what one pass gives', () => {
    const body = JSON.stringify([customerStart, 42, { topicName: 'v2.x', eventBody: 'nope' }, customerStart.detail, { hello: 'world' }]);
    const sliced = IngestRequestParser.fromBody(body, options);
    const steps: boolean[] = [];
    for (let more = true; more; ) {
      more = sliced.normaliseNext(2);
      steps.push(more);
    }
    expect(steps).toEqual([true, true, false]);
    expect(sliced.parsed).toEqual(parseIngestRequest(body, options));
    expect(sliced.normaliseNext(2)).toBe(false);
  });

  it('NDJSON rejects only its bad lines', () => {
    const body = `${JSON.stringify(customerStart)}\n{oops\n\n${JSON.stringify(customerStart.detail)}\n`;
    const parsed = parse(body, { contentType: 'application/x-ndjson' });
    expect(parsed.events.map((item) => item.index)).toEqual([0, 2]);
    expect(parsed.rejected).toEqual([expect.objectContaining({ index: 1, code: 'INGEST.MALFORMED_LINE', message: expect.stringContaining('line 2') })]);
  });

  it('non-Genesys EventBridge sources are rejected', () => {
    const foreign = { ...customerStart, source: 'aws.partner/someone.else/x' };
    expect(normaliseMessage(foreign, options)).toMatchObject({ outcome: 'rejected', code: 'INGEST.NOT_GENESYS_SOURCE' });
  });
});

describe('U+0000, which PostgreSQL cannot store', () => {
  const withBody = (eventBody: Record<string, unknown>) => ({ ...customerStart.detail, eventBody: { ...(customerStart.detail['eventBody'] as object), ...eventBody } });

  it('rejects the item alone, naming where the character is (values, keys, array elements)', () => {
    const parsed = parse([
      withBody({ participants: [{ name: 'ok' }, { name: 'Ann\u0000' }] }),
      customerStart,
      withBody({ attributes: { 'key\u0000': 'v' } }),
    ]);
    expect(parsed.events.map((item) => item.index)).toEqual([1]);
    expect(parsed.rejected).toEqual([
      { index: 0, code: 'INGEST.NUL_CHARACTER', message: expect.stringContaining('eventBody.participants[1].name contains U+0000') },
      { index: 2, code: 'INGEST.NUL_CHARACTER', message: expect.stringContaining('eventBody.attributes.key\\u0000 contains U+0000') },
    ]);
  });

  it('checks parsed messages (the WebSocket route) as well, topic names and correlation ids included', () => {
    const context = { source: 'notifications' as const, receivedAt };
    expect(normaliseMessage(withBody({ disconnectType: 'peer\u0000' }), context)).toMatchObject({ outcome: 'rejected', code: 'INGEST.NUL_CHARACTER' });
    const badCorrelation = { ...customerStart.detail, metadata: { CorrelationId: 'c\u0000' } };
    expect(normaliseMessage(badCorrelation, context)).toMatchObject({ outcome: 'rejected', message: expect.stringContaining('metadata.correlationId') });
    expect(normaliseMessage(customerStart, context)).toMatchObject({ outcome: 'event' });
  });

  it('an escaped backslash before "u0000" is ordinary text and is accepted', () => {
    const body = JSON.stringify([withBody({ note: 'C:\\u0000' })]);
    expect(body).toContain('\\\\u0000');
    const parsed = parseIngestRequest(body, options);
    expect(parsed.rejected).toEqual([]);
    expect((parsed.events[0]?.event.data as Record<string, unknown>)['note']).toBe('C:\\u0000');
  });

  it('finds a NUL wherever it is put, and reports none when there is none', () => {
    const strip = (value: unknown): unknown => {
      if (typeof value === 'string') return value.replaceAll('\u0000', '');
      if (Array.isArray(value)) return value.map(strip);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key.replaceAll('\u0000', ''), strip(child)]));
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, plant) => {
        const clean = strip(value);
        expect(pathOfNulCharacter({ wrapper: plant ? [clean, 'x\u0000'] : [clean] }, 'v')).toBe(plant ? 'v.wrapper[1]' : null);
        expect(pathOfNulCharacter(value, 'v') === null).toBe(JSON.stringify(value) === JSON.stringify(clean));
      }),
    );
  });
});

describe('INGEST_TOPICS allow-list', () => {
  it('filters topics outside the patterns, matching templates or real names with * wildcards', () => {
    const allowed = compileTopicPatterns(['v2.detail.events.conversation.{id}.customer.*']);
    const parsed = parse(
      [customerStart, { topicName: `v2.detail.events.conversation.${conversationId}.acd.start`, eventBody: { eventTime: 1 } }],
      { isTopicAllowed: allowed },
    );
    expect(parsed.events.map((item) => item.index)).toEqual([0]);
    expect(parsed.filtered).toEqual([expect.objectContaining({ index: 1, reason: 'topic not in INGEST_TOPICS' })]);
  });
});

function reverseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).reverse());
}
