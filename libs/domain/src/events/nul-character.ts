/**
 * Where the first U+0000 (NUL) sits in a JSON value, as a path (`eventBody.participants[0].name`), or null.
 * PostgreSQL's json functions and jsonb cannot hold U+0000, so an event carrying one can be neither appended to the
 * embedded store nor projected: it is refused at ingest, alone, instead of failing the commit it would share with
 * other requests' events. Keys are checked as well as values.
 */
export function pathOfNulCharacter(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = pathOfNulCharacter(value[index], `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // The path is shown to people: a NUL in a key is written as its escape.
    const childPath = `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
    if (key.includes('\u0000')) return childPath;
    const found = pathOfNulCharacter(child, childPath);
    if (found) return found;
  }
  return null;
}

/**
 * Whether a JSON text can hold U+0000 at all: only through the `\u0000` escape (JSON forbids the raw character in
 * strings). A cheap scan that lets a whole request body skip the walk above.
 */
export function jsonTextMayHoldNul(text: string): boolean {
  return text.includes('\\u0000');
}
