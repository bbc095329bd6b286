import { describe, expect, it } from 'vitest';
import { compareShape } from './compare-shape';
import { detailEventBaseline, detailKindOfEventType } from './detail-event-baseline';
import { baselineFromSdkModel } from './sdk-field-baseline';
import { shapeOf } from './json-shape';
import { SchemaDriftDetector } from './schema-drift-detector';
import { SchemaFieldTally, type ObservedEvent } from './schema-field-tally';

const baseline = detailEventBaseline();
const ACD_END = 'v2.detail.events.conversation.{id}.acd.end';
const ATTRIBUTES = 'v2.detail.events.conversation.{id}.attributes';
const FLOW_OUTCOME = 'v2.detail.events.conversation.{id}.flow.outcome';
const acdEndBaseline = baseline.forEventType(ACD_END)!;

const acdEnd = (extra: Record<string, unknown> = {}) => ({
  eventTime: 1_700_000_000_000,
  conversationId: 'c1',
  mediaType: 'VOICE',
  direction: 'INBOUND',
  queueId: 'q1',
  acdOutcome: 'ANSWERED',
  requestedRoutings: ['Standard'],
  ...extra,
});

const drift = (data: unknown, eventType = ACD_END) => {
  const inspection = new SchemaDriftDetector(baseline).inspect({ eventType, topicVersion: '2', data });
  if (!inspection) throw new Error('no baseline');
  return {
    drifting: inspection.verdicts.filter((verdict) => verdict.kind !== 'baseline'),
    unknownEnumValues: inspection.unknownEnumValues,
  };
};

describe('the detail-event baseline (SDK 257.1.0 field list)', () => {
  it('covers every detail-event kind, with and without the conversation id in the template', () => {
    expect(baseline.eventTypes()).toHaveLength(16);
    expect(detailKindOfEventType(ACD_END)).toBe('acd.end');
    expect(detailKindOfEventType('v2.detail.events.conversation.acd.end')).toBe('acd.end');
    expect(detailKindOfEventType('v2.users.{id}.conversations')).toBeNull();
    expect(baseline.forEventType('v2.detail.events.conversation.{id}.toString')).toBeUndefined();
  });

  it('maps SDK types to JSON types, nested models and lists included', () => {
    expect(acdEndBaseline.fields.get('eventTime')?.type).toBe('number');
    expect(acdEndBaseline.fields.get('requestedRoutings')?.type).toBe('array');
    expect(acdEndBaseline.fields.get('requestedRoutings[]')?.type).toBe('string');
    const flowOutcome = baseline.forEventType(FLOW_OUTCOME)!;
    expect(flowOutcome.fields.get('flowMilestones[].milestoneTime')?.type).toBe('number');
    const attributes = baseline.forEventType(ATTRIBUTES)!;
    expect([...attributes.mapPaths]).toEqual(['attributes']);
    expect(attributes.fields.get('communications[].mediaType')?.values?.has('VOICE')).toBe(true);
  });

  it('takes the enum values of mediaType, direction, acdOutcome, disconnectType and messageType from the list', () => {
    for (const path of ['mediaType', 'direction', 'acdOutcome', 'disconnectType', 'messageType']) {
      expect(acdEndBaseline.enumPaths.has(path)).toBe(true);
    }
    expect([...(acdEndBaseline.fields.get('acdOutcome')?.values ?? [])]).toEqual(['UNKNOWN', 'ABANDON', 'ANSWERED', 'FLOW_OUT']);
  });
});

describe('shapeOf', () => {
  it('lists paths with their JSON types, in one canonical order whatever the key order', () => {
    const a = shapeOf({ b: 1, a: { y: [true], x: null } });
    const b = shapeOf({ a: { x: null, y: [false] }, b: 2 });
    expect(a.fields).toEqual([
      { path: 'a', type: 'object' },
      { path: 'a.x', type: 'null' },
      { path: 'a.y', type: 'array' },
      { path: 'a.y[]', type: 'boolean' },
      { path: 'b', type: 'number' },
    ]);
    expect(a.hash).toBe(b.hash);
    expect(shapeOf({ b: '1' }).hash).not.toBe(shapeOf({ b: 1 }).hash);
  });

  it('unions the element shapes of an array, nested arrays included', () => {
    const shape = shapeOf({ rows: [[{ a: 1 }], [{ a: 'x', b: true }], []] });
    expect(shape.fields.map((field) => `${field.path}:${field.type}`)).toEqual([
      'rows:array',
      'rows[]:array',
      'rows[][]:object',
      'rows[][].a:number',
      'rows[][].a:string',
      'rows[][].b:boolean',
    ]);
  });

  it('folds the keys of a map into *', () => {
    const options = { mapPaths: new Set(['attributes']) };
    expect(shapeOf({ attributes: { vip: 'yes', lang: 'fr' } }, options).signature).toBe(shapeOf({ attributes: { other: 'x' } }, options).signature);
  });

  it('stays bounded on pathological input', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < 50; level += 1) deep = { next: deep };
    expect(shapeOf(deep).truncated).toBe(true);
    const wide = shapeOf({ list: Array.from({ length: 10_000 }, (_, index) => ({ [`k${index}`]: index })) });
    expect(wide.truncated).toBe(true);
    expect(wide.fields.length).toBeLessThanOrEqual(1000);
  });
});

describe('drift against the baseline', () => {
  it('an event as the SDK describes it shows no drift', () => {
    expect(drift(acdEnd())).toEqual({ drifting: [], unknownEnumValues: [] });
  });

  it('reports a field the baseline does not have, and everything under it', () => {
    expect(drift(acdEnd({ sentiment: { score: 0.4 } })).drifting).toEqual([
      { path: 'sentiment', type: 'object', kind: 'new_field' },
      { path: 'sentiment.score', type: 'number', kind: 'new_field' },
    ]);
  });

  it('reports a known field arriving with another JSON type, naming the expected one', () => {
    expect(drift(acdEnd({ eventTime: '2025-04-10T10:42:00Z' })).drifting).toEqual([
      { path: 'eventTime', type: 'string', kind: 'type_change', expectedType: 'number' },
    ]);
  });

  it('accepts null for any field: every Genesys field is optional', () => {
    expect(drift(acdEnd({ queueId: null, requestedRoutings: null })).drifting).toEqual([]);
  });

  it('reports an enum value the baseline does not list, and not the listed ones', () => {
    expect(drift(acdEnd({ acdOutcome: 'CALLBACK_SCHEDULED', mediaType: 'VOICE' })).unknownEnumValues).toEqual([
      { path: 'acdOutcome', value: 'CALLBACK_SCHEDULED' },
    ]);
    expect(drift(acdEnd({ acdOutcome: '', direction: null })).unknownEnumValues).toEqual([]);
  });

  it('looks inside arrays of objects: new fields, type changes and enum values in elements', () => {
    const result = drift(
      {
        eventTime: 1,
        conversationId: 'c1',
        attributes: { anyKey: 'v', other: 'w' },
        communications: [
          { id: 'm1', mediaType: 'VOICE' },
          { id: 'm2', mediaType: 'HOLOGRAM', channel: 'beta' },
        ],
      },
      ATTRIBUTES,
    );
    expect(result.drifting).toEqual([{ path: 'communications[].channel', type: 'string', kind: 'new_field' }]);
    expect(result.unknownEnumValues).toEqual([{ path: 'communications[].mediaType', value: 'HOLOGRAM' }]);
    expect(drift({ flowMilestones: [{ milestoneId: 'm', milestoneTime: '10:42' }] }, FLOW_OUTCOME).drifting).toEqual([
      { path: 'flowMilestones[].milestoneTime', type: 'string', kind: 'type_change', expectedType: 'number' },
    ]);
  });

  it('builds maps of lists, self-referencing models and unknown SDK types without looping or guessing', () => {
    const custom = baselineFromSdkModel('custom', 'Root', {
      Root: [
        { json: 'labels', type: 'dict(str, list[str])' },
        { json: 'child', type: 'Root' },
        { json: 'blob', type: 'SomethingElse' },
      ],
    });
    const verdicts = compareShape(
      shapeOf({ labels: { a: ['x'], b: [1] }, child: { child: { labels: {} } }, blob: { anything: [1] } }, { mapPaths: custom.mapPaths }).fields,
      custom,
    );
    expect(verdicts.filter((verdict) => verdict.kind !== 'baseline')).toEqual([
      { path: 'labels.*[]', type: 'number', kind: 'type_change', expectedType: 'string' },
    ]);
  });
});

describe('SchemaDriftDetector caching', () => {
  it('compares a shape with the baseline only the first time it is seen, per event type and version', () => {
    const detector = new SchemaDriftDetector(baseline);
    const inspect = (data: unknown, topicVersion = '2') => detector.inspect({ eventType: ACD_END, topicVersion, data });
    expect(inspect(acdEnd())?.firstSight).toBe(true);
    expect(inspect(acdEnd({ queueId: 'q2', acdOutcome: 'ABANDON' }))?.firstSight).toBe(false);
    expect(inspect(acdEnd({ acdOutcome: 'NEW_VALUE' }))?.unknownEnumValues).toEqual([{ path: 'acdOutcome', value: 'NEW_VALUE' }]);
    expect(inspect(acdEnd(), '3')?.firstSight).toBe(true);
    expect(inspect(acdEnd({ extra: 1 }))?.firstSight).toBe(true);
    expect(detector.stats()).toMatchObject({ shapesCompared: 3, cachedShapes: 3 });
  });

  it('passes over event types without a baseline and bodies that are not objects', () => {
    const detector = new SchemaDriftDetector(baseline);
    expect(detector.inspect({ eventType: 'v2.users.{id}.presence', topicVersion: '2', data: { a: 1 } })).toBeNull();
    expect(detector.inspect({ eventType: ACD_END, topicVersion: '2', data: [1] })).toBeNull();
    expect(detector.stats().eventsWithoutBaseline).toBe(2);
  });

  it('stays correct when the cache is dropped', () => {
    const detector = new SchemaDriftDetector(baseline, 1);
    detector.inspect({ eventType: ACD_END, topicVersion: '2', data: acdEnd() });
    detector.inspect({ eventType: ACD_END, topicVersion: '2', data: acdEnd({ extra: true }) });
    const again = detector.inspect({ eventType: ACD_END, topicVersion: '2', data: acdEnd() });
    expect(again?.firstSight).toBe(true);
    expect(again?.verdicts.every((verdict) => verdict.kind === 'baseline')).toBe(true);
  });
});

describe('SchemaFieldTally', () => {
  const event = (eventId: string, seenAt: string, data: unknown, topicVersion: string | null = '2'): ObservedEvent => ({
    eventId,
    seenAt,
    eventType: ACD_END,
    topicVersion,
    data,
  });

  it('rolls a batch up into one row per field, with first/last seen, the earliest sample and a count', () => {
    const tally = new SchemaFieldTally(new SchemaDriftDetector(baseline));
    tally.add(event('e2', '2025-04-10T10:00:02.000Z', acdEnd({ sentiment: 1 })));
    tally.add(event('e1', '2025-04-10T10:00:01.000Z', acdEnd({ sentiment: 2, acdOutcome: 'CALLBACK' })));
    tally.add(event('e3', '2025-04-10T10:00:03.000Z', acdEnd({ sentiment: 3, queueId: null })));
    tally.add(event('e4', '2025-04-10T10:00:04.000Z', acdEnd({ acdOutcome: 'CALLBACK' }), null));
    const rows = tally.observations();
    const find = (path: string, topicVersion = '2') => rows.filter((row) => row.path === path && row.topicVersion === topicVersion);
    expect(find('sentiment')).toEqual([
      {
        eventType: ACD_END,
        topicVersion: '2',
        path: 'sentiment',
        jsonType: 'number',
        value: '',
        kind: 'new_field',
        expectedType: null,
        firstSeen: '2025-04-10T10:00:01.000Z',
        lastSeen: '2025-04-10T10:00:03.000Z',
        sampleEventId: 'e1',
        occurrences: 3,
      },
    ]);
    expect(find('queueId').map((row) => [row.jsonType, row.kind, row.occurrences])).toEqual([
      ['string', 'baseline', 2],
      ['null', 'baseline', 1],
    ]);
    expect(find('acdOutcome').filter((row) => row.kind === 'unknown_enum_value')).toMatchObject([{ value: 'CALLBACK', sampleEventId: 'e1', occurrences: 1 }]);
    expect(find('acdOutcome', '').filter((row) => row.kind === 'unknown_enum_value')).toMatchObject([{ value: 'CALLBACK', sampleEventId: 'e4' }]);
    expect(tally.driftCounts()).toEqual({ new_field: 3, type_change: 0, unknown_enum_value: 2 });
    expect(tally.eventCount()).toBe(4);
    const keys = rows.map((row) => [row.eventType, row.topicVersion, row.path, row.jsonType, row.value].join('|'));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('bounds on what drift can write', () => {
  const detector = () => new SchemaDriftDetector(baseline);
  const inspect = (d: SchemaDriftDetector, data: unknown) => d.inspect({ eventType: ACD_END, topicVersion: '2', data })!;

  it('takes a new object whose keys are data for a map after 64 distinct keys', () => {
    const d = detector();
    for (let n = 0; n < 64; n += 1) expect(inspect(d, acdEnd({ scores: { [`agent-${n}`]: n } })).firstSight).toBe(true);
    expect(d.learnedMapPaths()).toEqual({ [ACD_END]: ['scores'] });
    const after = inspect(d, acdEnd({ scores: { 'agent-100': 1, 'agent-101': 2 } }));
    expect(after.verdicts.filter((verdict) => verdict.kind !== 'baseline').map((verdict) => verdict.path)).toEqual(['scores', 'scores.*']);
    expect(inspect(d, acdEnd({ scores: { 'agent-200': 3 } })).firstSight).toBe(false);
  });

  it('keeps at most 100 distinct unknown values per enum field, counting the rest as <other>', () => {
    const d = detector();
    const values = Array.from({ length: 102 }, (_, n) => inspect(d, acdEnd({ acdOutcome: `FREE_TEXT_${n}` })).unknownEnumValues[0]?.value);
    expect(values.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, n) => `FREE_TEXT_${n}`));
    expect(values.slice(100)).toEqual(['<other>', '<other>']);
    expect(inspect(d, acdEnd({ acdOutcome: 'FREE_TEXT_7' })).unknownEnumValues).toEqual([{ path: 'acdOutcome', value: 'FREE_TEXT_7' }]);
  });
});

describe('text the registry can store', () => {
  it('escapes NUL, cuts long keys and values, and leaves out overly long paths', () => {
    const long = 'k'.repeat(300);
    const shape = shapeOf({ 'a\u0000b': 1, [long]: { [long]: { [long]: 1 } } });
    expect(shape.fields.map((field) => field.path)).toEqual(['a\\u0000b', `${'k'.repeat(200)}…`, `${'k'.repeat(200)}….${'k'.repeat(200)}…`]);
    expect(shape.truncated).toBe(true);
    const values = shapeOf({ mediaType: `${'V'.repeat(500)}\u0000` }, { enumPaths: new Set(['mediaType']) }).enumValues;
    expect(values[0]?.value).toHaveLength(201);
  });
});
