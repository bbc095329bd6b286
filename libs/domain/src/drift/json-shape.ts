/**
 * The shape of a JSON value: every path it holds with the JSON type found there. Paths use `.` between object keys,
 * `[]` for the elements of an array and `*` for the keys of a map (an object whose keys are data, e.g. the custom
 * `attributes` of a conversation): `communications[].mediaType`, `attributes.*`.
 */

export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export interface FieldShape {
  path: string;
  type: JsonType;
}

export interface ShapeOptions {
  /** Paths whose object keys are data: their keys are folded into `*` so every map has one shape. */
  mapPaths?: ReadonlySet<string>;
  /** Paths whose string values are collected (enum checks), e.g. `mediaType`. */
  enumPaths?: ReadonlySet<string>;
}

export interface JsonShape {
  /** Sorted by path, then type; each (path, type) once. */
  fields: FieldShape[];
  /** The fields as one canonical string: equal shapes, whatever their key order, have equal signatures. */
  signature: string;
  /** A short hash of the signature, to key caches. */
  hash: string;
  /** String values found at `enumPaths`, each (path, value) once. */
  enumValues: { path: string; value: string }[];
  /** True when the value was larger than the limits below and only part of it was fingerprinted. */
  truncated: boolean;
}

/** Deeper than any Genesys payload; guards against pathological input. */
export const MAX_SHAPE_DEPTH = 12;
/** Elements looked at per array: element shapes repeat, and a huge array must not make one event expensive. */
export const MAX_ARRAY_ELEMENTS = 100;
/** Distinct (path, type) pairs kept per value. */
export const MAX_SHAPE_FIELDS = 1000;
/** Longer paths are left out (and the shape marked truncated): the registry's index entries have a size limit. */
export const MAX_PATH_LENGTH = 500;

const SEPARATOR = '\t';

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      // undefined, functions and symbols cannot come out of JSON; treat them as absent values.
      return typeof value === 'object' ? 'object' : 'null';
  }
}

/** Fingerprints the fields under `value` (the root itself is not a field). One pass, no recursion limits exceeded. */
export function shapeOf(value: unknown, options: ShapeOptions = {}): JsonShape {
  const walk = new ShapeWalk(options);
  walk.children(value, '', 0);
  const entries = [...walk.entries].sort();
  const fields = entries.map((entry) => {
    const at = entry.lastIndexOf(SEPARATOR);
    return { path: entry.slice(0, at), type: entry.slice(at + 1) as JsonType };
  });
  const signature = entries.join('\n');
  return { fields, signature, hash: shortHash(signature), enumValues: walk.enumValues, truncated: walk.truncated };
}

class ShapeWalk {
  readonly entries = new Set<string>();
  readonly enumValues: { path: string; value: string }[] = [];
  truncated = false;
  private readonly seenValues = new Set<string>();
  private readonly mapPaths: ReadonlySet<string>;
  private readonly enumPaths: ReadonlySet<string>;

  constructor(options: ShapeOptions) {
    this.mapPaths = options.mapPaths ?? new Set();
    this.enumPaths = options.enumPaths ?? new Set();
  }

  field(value: unknown, path: string, depth: number): void {
    const type = jsonTypeOf(value);
    if (this.entries.size >= MAX_SHAPE_FIELDS || path.length > MAX_PATH_LENGTH) {
      this.truncated = true;
      return;
    }
    this.entries.add(`${path}${SEPARATOR}${type}`);
    if (type === 'string' && this.enumPaths.has(path)) this.enumValue(path, value as string);
    this.children(value, path, depth + 1);
  }

  children(value: unknown, path: string, depth: number): void {
    if (typeof value !== 'object' || value === null) return;
    if (depth > MAX_SHAPE_DEPTH) {
      this.truncated = true;
      return;
    }
    if (Array.isArray(value)) {
      const count = Math.min(value.length, MAX_ARRAY_ELEMENTS);
      if (value.length > count) this.truncated = true;
      for (let index = 0; index < count; index += 1) this.field(value[index], `${path}[]`, depth);
      return;
    }
    const isMap = this.mapPaths.has(path);
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const name = isMap ? '*' : registryText(key);
      this.field(child, path === '' ? name : `${path}.${name}`, depth);
    }
  }

  private enumValue(path: string, raw: string): void {
    const value = registryText(raw);
    const key = `${path}${SEPARATOR}${value}`;
    if (this.seenValues.has(key)) return;
    this.seenValues.add(key);
    this.enumValues.push({ path, value });
  }
}

/** Longest key or enum value kept as is: registry keys must stay well inside a PostgreSQL index entry. */
export const MAX_REGISTRY_TEXT = 200;

/**
 * Keys and values as the registry can store them: PostgreSQL text takes no NUL, and a key of kilobytes would not
 * fit an index entry, so NULs are escaped and long text is cut (marked with `…`).
 */
export function registryText(text: string): string {
  const clean = text.includes('\u0000') ? text.replace(/\u0000/g, '\\u0000') : text;
  return clean.length > MAX_REGISTRY_TEXT ? `${clean.slice(0, MAX_REGISTRY_TEXT)}…` : clean;
}

/** FNV-1a over two lanes with different offsets: 64 bits as 16 hex digits, enough to key thousands of shapes. */
export function shortHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
