import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * `LEDGER_API_KEYS`: comma-separated entries `name:key:scope1|scope2`, e.g.
 * `eventbridge:7Hq2…Zp:ingest,ops:Kx9…:read|admin`. The name is what logs show (never the key); keys are at least
 * 24 characters of `A-Z a-z 0-9 . _ ~ + / = -`; scopes are `ingest`, `read`, `admin`.
 */
export const API_KEY_SCOPES = ['ingest', 'read', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKey {
  name: string;
  scopes: ApiKeyScope[];
  /** SHA-256 of the key: what is compared, so the key itself is not kept around. */
  digest: Buffer;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const KEY = /^[A-Za-z0-9._~+/=-]{24,256}$/;
const digestOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** Parses the variable; problems name the entry by position only (a misplaced key must not reach a log). */
export function parseApiKeys(value: string | undefined): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  const entries = (value ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const where = `LEDGER_API_KEYS entry ${index + 1}`;
    const parts = entry.split(':');
    if (parts.length !== 3) {
      problems.push(`${where} must be name:key:scope1|scope2 (got ${parts.length} colon-separated parts)`);
      return;
    }
    const [name, key, scopeList] = parts as [string, string, string];
    if (!NAME.test(name)) problems.push(`${where}: the name must be 1-64 of A-Z a-z 0-9 _ . -`);
    if (!KEY.test(key)) problems.push(`${where}: the key must be 24-256 of A-Z a-z 0-9 . _ ~ + / = -`);
    const scopes = scopeList.split('|').map((scope) => scope.trim()).filter((scope) => scope !== '');
    const unknown = scopes.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope));
    if (scopes.length === 0 || unknown.length > 0) {
      problems.push(`${where}: scopes must be some of ${API_KEY_SCOPES.join(', ')} separated by |${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`);
    }
    if (keys.some((known) => known.name === name)) problems.push(`${where}: its name is already used by an earlier entry`);
    keys.push({ name, scopes: scopes as ApiKeyScope[], digest: digestOf(key) });
  });
  const digests = new Set(keys.map((key) => key.digest.toString('hex')));
  if (digests.size < keys.length) problems.push('LEDGER_API_KEYS: two entries share the same key');
  return { keys, problems };
}

/** The key entry `presented` matches, comparing digests in constant time against every entry. */
export function findApiKey(keys: readonly ApiKey[], presented: string): ApiKey | null {
  const digest = digestOf(presented);
  let found: ApiKey | null = null;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, digest) && found === null) found = key;
  }
  return found;
}
