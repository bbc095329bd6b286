import type { FoldExtension } from '@ledger/domain';

/** Bump when the interaction fold or its tables change: a start-up with a higher version rebuilds automatically. */
export const INTERACTIONS_CODE_VERSION = 1;

/**
 * What one version of the interaction projection computes: the shipped fold plus its fold extensions. Deploying
 * a definition with a higher version rebuilds the read models from position 0 (blue-green), so what an extension
 * adds is there for the whole history, not only for the events that arrive after the deploy.
 */
export interface InteractionProjectionDefinition {
  /** The code version: compared with the serving one at start-up. */
  readonly version: number;
  readonly extensions: readonly FoldExtension[];
}

/** A definition, checked: two extensions with one name would overwrite each other's slot. */
export function defineInteractionProjection(definition: InteractionProjectionDefinition): InteractionProjectionDefinition {
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new Error(`interaction projection version must be a positive integer, got ${definition.version}`);
  }
  const names = definition.extensions.map((extension) => extension.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new Error(`fold extension name "${repeated}" is used twice`);
  return Object.freeze({ version: definition.version, extensions: Object.freeze([...definition.extensions]) });
}

/** The shipped projection: the fold as it is, no extensions. */
export const DEFAULT_INTERACTION_PROJECTION = defineInteractionProjection({ version: INTERACTIONS_CODE_VERSION, extensions: [] });
