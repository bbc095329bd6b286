import { NO_EXTENSIONS, type FoldExtension } from '@ledger/domain';

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
  /**
   * Definitions of earlier code versions this code still knows. A version built by one of them keeps following
   * live events with its own extensions while it serves (during a rebuild) or is kept for rollback.
   */
  readonly earlier?: readonly Omit<InteractionProjectionDefinition, 'earlier'>[];
}

/** A definition, checked: two extensions with one name would overwrite each other's slot. */
export function defineInteractionProjection(definition: InteractionProjectionDefinition): InteractionProjectionDefinition {
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    throw new Error(`interaction projection version must be a positive integer, got ${definition.version}`);
  }
  const names = definition.extensions.map((extension) => extension.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new Error(`fold extension name "${repeated}" is used twice`);
  const earlier = (definition.earlier ?? []).map((older) => {
    if (older.version >= definition.version) throw new Error(`an earlier definition has version ${older.version}, not below ${definition.version}`);
    return defineInteractionProjection({ version: older.version, extensions: older.extensions });
  });
  return Object.freeze({
    version: definition.version,
    extensions: Object.freeze([...definition.extensions]),
    ...(earlier.length > 0 ? { earlier: Object.freeze(earlier) } : {}),
  });
}

/**
 * The fold extensions of a physical version built by `codeVersion`: the current definition's, an earlier one's this
 * code lists, none for the shipped baseline (the fold without extensions); for a version this code does not know,
 * the current ones (the best it can do: the older extensions are not available).
 */
export function extensionsFor(definition: InteractionProjectionDefinition, codeVersion: number): readonly FoldExtension[] {
  if (codeVersion === definition.version) return definition.extensions;
  const older = definition.earlier?.find((candidate) => candidate.version === codeVersion);
  if (older) return older.extensions;
  if (codeVersion === INTERACTIONS_CODE_VERSION) return NO_EXTENSIONS;
  return definition.extensions;
}

/** The shipped projection: the fold as it is, no extensions. */
export const DEFAULT_INTERACTION_PROJECTION = defineInteractionProjection({ version: INTERACTIONS_CODE_VERSION, extensions: [] });
