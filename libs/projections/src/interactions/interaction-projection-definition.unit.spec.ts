import { describe, expect, it } from 'vitest';
import type { FoldExtension } from '@ledger/domain';
import { DEFAULT_INTERACTION_PROJECTION, INTERACTIONS_CODE_VERSION, defineInteractionProjection, extensionsFor } from './interaction-projection-definition';

const keep = (name: string): FoldExtension => ({ name, evolve: (current) => current });

describe('interaction projection definitions', () => {
  it('ship the current code version with no extensions', () => {
    expect(DEFAULT_INTERACTION_PROJECTION).toEqual({ version: INTERACTIONS_CODE_VERSION, extensions: [] });
  });

  it('refuse two extensions with one name (they would overwrite each other) and a version that is not a positive integer', () => {
    expect(() => defineInteractionProjection({ version: 2, extensions: [keep('score'), keep('label'), keep('score')] })).toThrow('"score" is used twice');
    expect(() => defineInteractionProjection({ version: 0, extensions: [] })).toThrow('positive integer');
    expect(() => defineInteractionProjection({ version: 1.5, extensions: [] })).toThrow('positive integer');
  });

  it('keep their own copy of the extension list', () => {
    const extensions = [keep('score')];
    const definition = defineInteractionProjection({ version: 2, extensions });
    extensions.push(keep('label'));
    expect(definition.extensions.map((extension) => extension.name)).toEqual(['score']);
  });

  it('give each physical version the extensions of the code that built it', () => {
    const v2 = { version: 2, extensions: [keep('score')] };
    const v3 = defineInteractionProjection({ version: 3, extensions: [keep('score'), keep('label')], earlier: [v2] });
    const names = (codeVersion: number) => extensionsFor(v3, codeVersion).map((extension) => extension.name);
    expect(names(3)).toEqual(['score', 'label']);
    expect(names(2)).toEqual(['score']);
    // The shipped baseline folds without extensions.
    expect(names(INTERACTIONS_CODE_VERSION)).toEqual([]);
    // A code version this code does not know: the current extensions are all it has.
    expect(names(7)).toEqual(['score', 'label']);
    expect(() => defineInteractionProjection({ version: 2, extensions: [], earlier: [{ version: 2, extensions: [] }] })).toThrow('not below 2');
  });
});
