import fc from 'fast-check';
import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { deterministicEventId, LEDGER_EVENT_ID_NAMESPACE } from './event-id';

describe('deterministicEventId', () => {
  it('is the UUID v5 of "<identity>\\n<canonical JSON>" in the ledger namespace, for any characters', () => {
    const body = { b: [1, { z: 'ünïcødé 😀', a: null }], a: 'x' };
    expect(deterministicEventId('v2.detail.events.conversation.c1.customer.start', body)).toBe(
      uuidv5('v2.detail.events.conversation.c1.customer.start\n{"a":"x","b":[1,{"a":null,"z":"ünïcødé 😀"}]}', LEDGER_EVENT_ID_NAMESPACE),
    );
  });

  it('keeps the ids already stored: a fixed input has a fixed id', () => {
    expect(deterministicEventId('conversation-snapshot:c1', { id: 'c1' })).toBe('8a9bd130-ca6f-5c8a-b823-1f9fdfadde45');
  });

  it('is the id uuid gives for any identity and body, whatever the characters and the variant nibble', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.jsonValue(), (identity, body) => {
        expect(deterministicEventId(identity, body)).toBe(uuidv5(Buffer.from(`${identity}\n${canonicalJson(body)}`, 'utf8'), LEDGER_EVENT_ID_NAMESPACE));
      }),
      { numRuns: 500 },
    );
  });

  it('is the same id for names longer than its reused buffer, and for short names hashed after them', () => {
    const long = { note: 'é😀'.repeat(12_000) };
    const short = { id: 'c1' };
    const expected = (body: unknown) => uuidv5(Buffer.from(`conversation-snapshot:c1\n${canonicalJson(body)}`, 'utf8'), LEDGER_EVENT_ID_NAMESPACE);
    for (const body of [short, long, short, long]) expect(deterministicEventId('conversation-snapshot:c1', body)).toBe(expected(body));
    expect(deterministicEventId('conversation-snapshot:c1', short)).toBe('8a9bd130-ca6f-5c8a-b823-1f9fdfadde45');
  });
});
