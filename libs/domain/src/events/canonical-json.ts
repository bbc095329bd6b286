/**
 * JSON with object keys sorted at every depth and no whitespace, so two renderings of the same value (key order,
 * indentation) give the same text, and so the same event id.
 *
 * Written as one pass that appends to a string, with each key's `"key":` kept once made: every ingested event is
 * rendered once for its id, and the map-sort-filter-join version was a tenth of ingest's CPU. The text must never
 * change (it would re-identify stored events): `canonical-json.unit.spec.ts` holds it to that definition.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      // undefined only occurs inside objects built in code, never in parsed JSON; JSON drops it, so do we.
      return JSON.stringify(value) ?? 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) text += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    text += (text.length === 1 ? '' : ',') + quotedKey(key) + canonicalJson(member);
  }
  return `${text}}`;
}

/** Payloads repeat a small set of keys; a key seen once is not escaped again. Bounded against unbounded key sets. */
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quotedKey(key: string): string {
  let quoted = QUOTED_KEYS.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS) QUOTED_KEYS.set(key, quoted);
  }
  return quoted;
}
