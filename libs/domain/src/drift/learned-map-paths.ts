import type { FieldVerdict } from './compare-shape';

/** Distinct new keys under one object before the object is taken for a map. Genesys' own objects have far fewer. */
export const MAX_NEW_KEYS_PER_OBJECT = 64;

/**
 * Objects whose keys are data (ids, customer-defined names) that the baseline does not know as maps. Left alone,
 * each event would bring a new shape (a full compare every time) and a registry row per key. After
 * `maxKeys` distinct new keys under one object, its keys fold into `*` like those of a known map.
 */
export class LearnedMapPaths {
  private readonly newKeys = new Map<string, Set<string>>();
  private readonly learned = new Map<string, Set<string>>();
  private readonly combined = new Map<string, ReadonlySet<string>>();

  constructor(private readonly maxKeys = MAX_NEW_KEYS_PER_OBJECT) {}

  /** The baseline's maps plus those learned for this event type. */
  mapPathsFor(eventType: string, baselineMaps: ReadonlySet<string>): ReadonlySet<string> {
    return this.combined.get(eventType) ?? baselineMaps;
  }

  /** Counts the new keys of a shape seen for the first time; true when an object was just taken for a map. */
  learn(eventType: string, verdicts: readonly FieldVerdict[], baselineMaps: ReadonlySet<string>): boolean {
    let changed = false;
    for (const verdict of verdicts) {
      if (verdict.kind !== 'new_field' || verdict.path.endsWith('[]')) continue;
      const dot = verdict.path.lastIndexOf('.');
      if (dot <= 0) continue; // Top-level fields are never data keys.
      const parent = verdict.path.slice(0, dot);
      const key = verdict.path.slice(dot + 1);
      if (key === '*' || this.learned.get(eventType)?.has(parent)) continue;
      const slot = `${eventType}\n${parent}`;
      const keys = this.newKeys.get(slot) ?? new Set<string>();
      if (this.newKeys.size > 10_000) this.newKeys.clear();
      this.newKeys.set(slot, keys);
      keys.add(key);
      if (keys.size < this.maxKeys) continue;
      this.newKeys.delete(slot);
      const learned = this.learned.get(eventType) ?? new Set<string>();
      learned.add(parent);
      this.learned.set(eventType, learned);
      this.combined.set(eventType, new Set([...baselineMaps, ...learned]));
      changed = true;
    }
    return changed;
  }

  /** Learned map paths by event type, for the report and tests. */
  snapshot(): Record<string, string[]> {
    return Object.fromEntries([...this.learned].map(([eventType, paths]) => [eventType, [...paths].sort()]));
  }
}
