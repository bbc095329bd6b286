import type { JsonType } from './json-shape';

/**
 * A baseline: what the fields of one event type are expected to look like. Built from field lists derived from the
 * Genesys Cloud SDK models (`{ModelName: [{json, type, enum?}]}`), where a type is `str`, `int`, `bool`, `float`,
 * `list[T]`, `dict(str, T)` or the name of another model in the list.
 */

export interface SdkFieldSpec {
  json: string;
  type: string;
  enum?: readonly string[];
}

export type SdkFieldList = Readonly<Record<string, readonly SdkFieldSpec[]>>;

/** `any`: the SDK names a type the baseline cannot check; the field and everything under it are accepted as they come. */
export type BaselineType = JsonType | 'any';

export interface BaselineField {
  path: string;
  type: BaselineType;
  /** Known values of an enum field (strings). */
  values?: ReadonlySet<string>;
}

export interface EventTypeBaseline {
  eventType: string;
  /** The SDK model the baseline comes from, for the report. */
  model: string;
  fields: ReadonlyMap<string, BaselineField>;
  /** Object paths whose keys are data (`dict(str, T)`). */
  mapPaths: ReadonlySet<string>;
  /** Paths of enum fields. */
  enumPaths: ReadonlySet<string>;
}

const SCALAR_TYPES: Readonly<Record<string, JsonType>> = {
  str: 'string',
  int: 'number',
  float: 'number',
  bool: 'boolean',
  datetime: 'string',
  date: 'string',
  object: 'object',
};

/** Model references can nest; no Genesys event body goes this deep, so a cycle stops here. */
const MAX_MODEL_DEPTH = 8;

/** Expands one SDK model (and the models it references) into the paths and types of an event body. */
export function baselineFromSdkModel(eventType: string, model: string, list: SdkFieldList): EventTypeBaseline {
  const root = list[model];
  if (!root) throw new Error(`baseline: the SDK field list has no model ${model} (for ${eventType})`);
  const fields = new Map<string, BaselineField>();
  const mapPaths = new Set<string>();
  const enumPaths = new Set<string>();

  const addModel = (specs: readonly SdkFieldSpec[], prefix: string, depth: number): void => {
    for (const spec of specs) {
      const path = prefix === '' ? spec.json : `${prefix}.${spec.json}`;
      addType(spec.type, path, depth, spec.enum);
    }
  };
  const addType = (sdkType: string, path: string, depth: number, values?: readonly string[]): void => {
    const type = sdkType.trim();
    const listOf = /^list\[(.+)\]$/.exec(type);
    const dict = /^dict\(\s*str\s*,\s*(.+)\)$/.exec(type);
    if (listOf?.[1]) {
      fields.set(path, { path, type: 'array' });
      addType(listOf[1], `${path}[]`, depth + 1, values);
      return;
    }
    if (dict?.[1]) {
      fields.set(path, { path, type: 'object' });
      mapPaths.add(path);
      addType(dict[1], `${path}.*`, depth + 1);
      return;
    }
    const scalar = SCALAR_TYPES[type];
    if (scalar) {
      fields.set(path, values && values.length > 0 ? { path, type: scalar, values: new Set(values) } : { path, type: scalar });
      if (values && values.length > 0) enumPaths.add(path);
      return;
    }
    const nested = list[type];
    if (nested && depth < MAX_MODEL_DEPTH) {
      fields.set(path, { path, type: 'object' });
      addModel(nested, path, depth + 1);
      return;
    }
    fields.set(path, { path, type: 'any' });
  };

  addModel(root, '', 0);
  return { eventType, model, fields, mapPaths, enumPaths };
}

/**
 * The baseline field of `path`, or of the nearest ancestor typed `any` (whose subtree is not checked). Undefined:
 * the path is not in the baseline.
 */
export function baselineFieldOf(baseline: EventTypeBaseline, path: string): BaselineField | undefined {
  const exact = baseline.fields.get(path);
  if (exact) return exact;
  for (let end = lastSeparator(path); end > 0; end = lastSeparator(path.slice(0, end))) {
    const ancestor = baseline.fields.get(path.slice(0, end));
    if (ancestor) return ancestor.type === 'any' ? ancestor : undefined;
  }
  return undefined;
}

function lastSeparator(path: string): number {
  if (path.endsWith('[]')) return path.length - 2;
  return path.lastIndexOf('.');
}
