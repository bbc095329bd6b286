import { describe, expect, it } from 'vitest';
import { findApiKey, parseApiKeys } from './api-keys';

const KEY_A = 'eb-0123456789abcdefghijklmnop';
const KEY_B = 'ops-ZYXWVUTSRQPONMLKJIHGFEDCBA';

describe('LEDGER_API_KEYS', () => {
  it('parses name:key:scopes entries and finds a key by value', () => {
    const { keys, problems } = parseApiKeys(`eventbridge:${KEY_A}:ingest, ops:${KEY_B}:read|admin`);
    expect(problems).toEqual([]);
    expect(findApiKey(keys, KEY_A)).toMatchObject({ name: 'eventbridge', scopes: ['ingest'] });
    expect(findApiKey(keys, KEY_B)).toMatchObject({ name: 'ops', scopes: ['read', 'admin'] });
    expect(findApiKey(keys, `${KEY_A}x`)).toBeNull();
  });

  it('reports problems by position and never echoes a key', () => {
    const { problems } = parseApiKeys(`${KEY_A}:ingest, a:short:ingest, b:${KEY_B}:write, b:${KEY_A}x:ingest, c:${KEY_B}:read`);
    expect(problems).toEqual([
      expect.stringContaining('entry 1 must be name:key:scope1|scope2'),
      expect.stringContaining('entry 2: the key must be 24-256'),
      expect.stringContaining('entry 3: scopes must be some of ingest, read, admin'),
      expect.stringContaining('entry 4: its name is already used'),
      expect.stringContaining('two entries share the same key'),
    ]);
    expect(problems.join('\n')).not.toContain(KEY_A);
    expect(problems.join('\n')).not.toContain(KEY_B);
  });
});
