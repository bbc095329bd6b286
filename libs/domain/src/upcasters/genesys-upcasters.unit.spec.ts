import { describe, expect, it } from 'vitest';
import { foldInteraction } from '../interaction';
import { GENESYS_UPCASTERS, isoEventTimeToEpochMillis, wrapupFieldsV1ToV2 } from './genesys-upcasters';
import { UpcasterRegistry } from './upcaster-registry';

const acw = 'v2.detail.events.conversation.{id}.acw';
const conversationId = '0b5a8f7e-1111-4c6b-9a0d-2f3e4d5c6b7a';

describe('Genesys upcasters', () => {
  it('turns an ISO eventTime into epoch milliseconds and leaves numbers alone', () => {
    expect(isoEventTimeToEpochMillis.upcast({ eventTime: '2026-01-02T03:04:05.678Z', x: 1 })).toEqual({ eventTime: Date.parse('2026-01-02T03:04:05.678Z'), x: 1 });
    const canonical = { eventTime: 1767323045678 };
    expect(isoEventTimeToEpochMillis.upcast(canonical)).toBe(canonical);
    const garbage = { eventTime: 'not a time' };
    expect(isoEventTimeToEpochMillis.upcast(garbage)).toBe(garbage);
  });

  it('maps the v1 field names of wrap-up topics, never overwriting a v2 value', () => {
    expect(wrapupFieldsV1ToV2.upcast({ wrapUpCode: 'w1', userID: 'u1', eventTime: 1 })).toEqual({ wrapupCode: 'w1', userId: 'u1', eventTime: 1 });
    expect(wrapupFieldsV1ToV2.upcast({ wrapUpCode: 'old', wrapupCode: 'new' })).toEqual({ wrapupCode: 'new' });
  });

  it('applies by event type and topic version only', () => {
    const v1 = { wrapUpCode: 'w1', eventTime: '2026-01-02T03:04:05.000Z' };
    expect(GENESYS_UPCASTERS.upcast({ eventType: acw, topicVersion: '1', data: v1 })).toEqual({ wrapupCode: 'w1', eventTime: Date.parse('2026-01-02T03:04:05.000Z') });
    expect(GENESYS_UPCASTERS.upcast({ eventType: acw, topicVersion: '2', data: { wrapUpCode: 'w1' } })).toEqual({ wrapUpCode: 'w1' });
    const snapshot = { id: conversationId, eventTime: '2026-01-02T03:04:05.000Z' };
    expect(GENESYS_UPCASTERS.upcast({ eventType: 'v2.users.{id}.conversations', topicVersion: '2', data: snapshot })).toBe(snapshot);
  });

  it('runs upcasters in registration order', () => {
    const registry = new UpcasterRegistry([
      { name: 'a', eventType: 'x.*', versions: '*', upcast: (data) => ({ ...data, trail: `${String(data['trail'] ?? '')}a` }) },
      { name: 'b', eventType: 'x.y', versions: ['2'], upcast: (data) => ({ ...data, trail: `${String(data['trail'] ?? '')}b` }) },
    ]);
    expect(registry.upcast({ eventType: 'x.y', topicVersion: '2', data: {} })).toEqual({ trail: 'ab' });
    expect(registry.upcast({ eventType: 'x.y', topicVersion: '1', data: {} })).toEqual({ trail: 'a' });
  });

  it('lets synthetic old-version events fold like current ones', () => {
    const at = Date.parse('2026-02-03T10:00:00.000Z');
    const current = [
      { eventId: 'e1', eventType: 'v2.detail.events.conversation.{id}.customer.start', eventTime: new Date(at).toISOString(), data: { eventTime: at, conversationId, participantId: 'c', mediaType: 'VOICE', direction: 'INBOUND' } },
      { eventId: 'e2', eventType: acw, eventTime: new Date(at + 60_000).toISOString(), data: { eventTime: at + 60_000, conversationId, participantId: 'a', userId: 'agent-1', wrapupCode: 'resolved', wrapupDurationMs: 10_000 } },
    ];
    const old = current.map((event) => ({
      ...event,
      data: GENESYS_UPCASTERS.upcast({
        eventType: event.eventType,
        topicVersion: '1',
        data:
          event.eventType === acw
            ? { ...Object.fromEntries(Object.entries(event.data).filter(([key]) => key !== 'wrapupCode' && key !== 'userId')), wrapUpCode: 'resolved', userID: 'agent-1', eventTime: new Date(at + 60_000).toISOString() }
            : { ...event.data, eventTime: new Date(at).toISOString() },
      }),
    }));
    expect(foldInteraction(conversationId, old)).toEqual(foldInteraction(conversationId, current));
    expect(foldInteraction(conversationId, old).wrapupCodes).toEqual(['resolved']);
  });
});
