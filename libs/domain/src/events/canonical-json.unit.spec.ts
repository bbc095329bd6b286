import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

/** The definition event ids were first made with: any faster rendering must give exactly this text. */
function definition(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(definition).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${definition(record[key])}`);
  return `{${entries.join(',')}}`;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: [1, { z: 'ünïcødé 😀', a: null }], a: 'x', '10': true, '9': false })).toBe(
      '{"10":true,"9":false,"a":"x","b":[1,{"a":null,"z":"ünïcødé 😀"}]}',
    );
  });

  it('renders as JSON would what JSON cannot hold: undefined members dropped, in arrays null; NaN and Infinity null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, Number.NaN, -Infinity, -0], c: 1e21, d: 5e-7 })).toBe('{"b":[null,null,null,0],"c":1e+21,"d":5e-7}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('gives the text of the definition for any JSON value, escapes and odd keys included', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\u2028', '\u0000', '__proto__', 'constructor', '01', '1'));
    const value = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 2 }),
        fc.double(),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(value, (generated) => {
        expect(canonicalJson(generated)).toBe(definition(generated));
      }),
      { numRuns: 2000 },
    );
  });
});
