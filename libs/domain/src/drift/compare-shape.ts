import type { FieldShape, JsonType } from './json-shape';
import { baselineFieldOf, type BaselineType, type EventTypeBaseline } from './sdk-field-baseline';

/** How an event differs from its baseline. */
export const DRIFT_KINDS = ['new_field', 'type_change', 'unknown_enum_value'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** A field as the baseline sees it: as expected, not in the baseline, or there with another JSON type. */
export type FieldVerdict =
  | { path: string; type: JsonType; kind: 'baseline' }
  | { path: string; type: JsonType; kind: 'new_field' }
  | { path: string; type: JsonType; kind: 'type_change'; expectedType: BaselineType };

export interface UnknownEnumValue {
  path: string;
  value: string;
}

/**
 * Compares each field of a shape with the baseline. Every Genesys field is optional, so a field missing from the
 * event is not drift, and neither is `null` where a value was expected.
 */
export function compareShape(fields: readonly FieldShape[], baseline: EventTypeBaseline): FieldVerdict[] {
  return fields.map(({ path, type }): FieldVerdict => {
    const expected = baselineFieldOf(baseline, path);
    if (!expected) return { path, type, kind: 'new_field' };
    if (expected.type === 'any' || expected.type === type || type === 'null') return { path, type, kind: 'baseline' };
    return { path, type, kind: 'type_change', expectedType: expected.type };
  });
}

/**
 * Values of enum fields that the baseline does not list. Genesys adds enum values without notice. An empty string
 * counts as absent, like null (and `''` is how the registry marks "no value").
 */
export function unknownEnumValues(values: readonly UnknownEnumValue[], baseline: EventTypeBaseline): UnknownEnumValue[] {
  return values.filter(({ path, value }) => {
    if (value === '') return false;
    const known = baseline.fields.get(path)?.values;
    return known !== undefined && !known.has(value);
  });
}
