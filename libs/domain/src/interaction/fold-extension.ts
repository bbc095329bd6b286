import type { FoldableEvent } from './foldable-event';
import type { InteractionState } from './interaction-state';

/**
 * A projection version's own reading of the events, beyond the facts the shipped fold records: how a field Genesys
 * added (seen in the drift report) reaches the read model without a change to the fold itself.
 *
 * Each extension owns one slot, `state.extensions[name]`, and never touches the built-in facts, so it cannot break
 * them. It sees the events the fold applies, in fold order, after the built-in facts of each; it must be pure,
 * return a new value rather than change `current` (the caller's state shares it), give the same value for the
 * same event applied twice, and keep its values plain JSON (the state is stored as jsonb). Then the state stays
 * independent of delivery order and duplicates, as the shipped fold is.
 */
export interface FoldExtension<Value = unknown> {
  /** The slot's key; unique within one projection definition. */
  readonly name: string;
  /** The slot's value after `event`, from its value before (undefined while absent); undefined removes the slot. */
  evolve(current: Value | undefined, event: FoldableEvent): Value | undefined;
}

/** Shared by every call without extensions: the hot path allocates nothing for them. */
export const NO_EXTENSIONS: readonly FoldExtension[] = Object.freeze([]);

/** Runs each extension on an event the fold applied, in place on the fold's private draft. */
export function applyExtensions(draft: InteractionState, extensions: readonly FoldExtension[], event: FoldableEvent): void {
  for (const extension of extensions) {
    const current = draft.extensions?.[extension.name];
    const next = extension.evolve(current, event);
    if (next === current) continue;
    if (next !== undefined) {
      (draft.extensions ??= {})[extension.name] = next;
    } else if (draft.extensions) {
      delete draft.extensions[extension.name];
      // Absent, never empty: a state without extension values stays deep-equal to one folded without extensions.
      if (Object.keys(draft.extensions).length === 0) delete draft.extensions;
    }
  }
}
