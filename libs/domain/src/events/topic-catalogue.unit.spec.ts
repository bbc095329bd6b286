import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyTopic, topicIds, topicTemplate } from './topic-catalogue';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The definition: each dot-separated segment that is an id becomes `{id}`. */
const definition = (topicName: string): string =>
  topicName
    .split('.')
    .map((segment) => (UUID.test(segment) || /^[0-9a-f]{32}$/i.test(segment) || /^\d{3,}$/.test(segment) ? '{id}' : segment))
    .join('.');

describe('topicTemplate', () => {
  it('replaces whole id segments only', () => {
    const id = '8c5b7e1f-2d3a-4b6c-9e0f-1a2b3c4d5e6f';
    expect(topicTemplate(`v2.detail.events.conversation.${id}.acd.start`)).toBe('v2.detail.events.conversation.{id}.acd.start');
    expect(topicTemplate(`v2.users.${id.toUpperCase()}.conversations.calls`)).toBe('v2.users.{id}.conversations.calls');
    expect(topicTemplate(`v2.routing.queues.${'ab'.repeat(16)}.conversations`)).toBe('v2.routing.queues.{id}.conversations');
    expect(topicTemplate('v2.x.1234.y.12.z.123abc.abc123.123')).toBe('v2.x.{id}.y.12.z.123abc.abc123.{id}');
    expect(topicTemplate(`v2.${id}x.x${id}.${id}.${id}`)).toBe(`v2.${id}x.x${id}.{id}.{id}`);
    expect(topicIds(`v2.users.${id}.presence`)).toEqual([id]);
  });

  it('gives the definition for any topic made of ids, near-ids, words and empty segments', () => {
    const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
    const segment = fc.oneof(
      fc.uuid(),
      fc.uuid().map((id) => id.toUpperCase()),
      hex(32),
      hex(31),
      hex(33),
      fc.stringMatching(/^\d{0,6}$/),
      fc.stringMatching(/^[a-z0-9-]{0,12}$/),
      fc.uuid().map((id) => `${id}0`),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), (segments) => {
        const topicName = segments.join('.');
        expect(topicTemplate(topicName)).toBe(definition(topicName));
      }),
      { numRuns: 2000 },
    );
  });

  it('classifies by template', () => {
    const id = '8c5b7e1f-2d3a-4b6c-9e0f-1a2b3c4d5e6f';
    expect(classifyTopic(`v2.users.${id}.conversations`)).toEqual({ kind: 'snapshot', template: 'v2.users.{id}.conversations' });
    expect(classifyTopic(`v2.detail.events.conversation.${id}.acd.start`)).toMatchObject({ kind: 'detail', conversationId: id, detailKind: 'acd.start' });
  });

  it('answers a topic seen before as it did the first time, past the memo bound, with a class no caller can change', () => {
    const topics = Array.from({ length: 25_000 }, (_, index) => `v2.detail.events.conversation.${String(index).padStart(8, '0')}-0000-4000-8000-000000000000.attributes`);
    const first = topics.map((topic) => ({ ...classifyTopic(topic) }));
    topics.forEach((topic, index) => expect(classifyTopic(topic)).toEqual(first[index]));
    const shared = classifyTopic(topics[0] as string);
    expect(Object.isFrozen(shared)).toBe(true);
    expect(() => Object.assign(shared, { kind: 'other' })).toThrow(TypeError);
    expect(classifyTopic(topics[0] as string).kind).toBe('detail');
  });
});
