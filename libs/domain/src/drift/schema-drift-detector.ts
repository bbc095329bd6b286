import { compareShape, unknownEnumValues, type FieldVerdict, type UnknownEnumValue } from './compare-shape';
import type { SchemaBaseline } from './detail-event-baseline';
import { shapeOf } from './json-shape';
import { LearnedMapPaths } from './learned-map-paths';

export interface DriftInput {
  eventType: string;
  /** The topic version from the event metadata; null when the message had none. */
  topicVersion: string | null;
  /** The event body, verbatim. */
  data: unknown;
}

export interface DriftInspection {
  /** (event type, topic version, shape hash): events with equal keys have equal fields. */
  shapeKey: string;
  /** Each field of the shape with its verdict; shared between events of one shape, never mutate. */
  verdicts: readonly FieldVerdict[];
  unknownEnumValues: UnknownEnumValue[];
  /** True the first time this detector saw the shape: only then was it compared with the baseline. */
  firstSight: boolean;
}

export interface DetectorStats {
  cachedShapes: number;
  /** Shapes compared with the baseline (cache misses). */
  shapesCompared: number;
  /** Events of types without a baseline, passed over. */
  eventsWithoutBaseline: number;
}

/** Distinct unknown values kept per enum field; beyond, they are counted under OTHER_ENUM_VALUES (free text must not flood the registry). */
export const MAX_UNKNOWN_VALUES_PER_FIELD = 100;
export const OTHER_ENUM_VALUES = '<other>';

interface CachedShape {
  signature: string;
  verdicts: readonly FieldVerdict[];
}

/**
 * Fingerprints events as cheaply as a full compare allows: each event is walked once for its shape; the comparison
 * with the baseline runs only for a shape not seen before. Enum values are checked on every event (a set lookup
 * per enum field), since a new value does not change the shape.
 */
export class SchemaDriftDetector {
  private readonly shapes = new Map<string, CachedShape>();
  private readonly learnedMaps = new LearnedMapPaths();
  private readonly unknownValues = new Map<string, Set<string>>();
  private readonly counters: DetectorStats = { cachedShapes: 0, shapesCompared: 0, eventsWithoutBaseline: 0 };

  constructor(
    readonly baseline: SchemaBaseline,
    /** The cache is dropped whole when it grows past this; shapes are few, so that means garbage input. */
    private readonly maxCachedShapes = 10_000,
  ) {}

  /** Null when the event type has no baseline or the body is not a JSON object. */
  inspect(input: DriftInput): DriftInspection | null {
    const baseline = this.baseline.forEventType(input.eventType);
    if (!baseline || typeof input.data !== 'object' || input.data === null || Array.isArray(input.data)) {
      this.counters.eventsWithoutBaseline += 1;
      return null;
    }
    const mapPaths = this.learnedMaps.mapPathsFor(input.eventType, baseline.mapPaths);
    const shape = shapeOf(input.data, { mapPaths, enumPaths: baseline.enumPaths });
    const shapeKey = `${input.eventType}\n${input.topicVersion ?? ''}\n${shape.hash}`;
    const cached = this.shapes.get(shapeKey);
    // The signature check turns a hash collision into a cache miss instead of a wrong verdict.
    const firstSight = cached === undefined || cached.signature !== shape.signature;
    let verdicts = cached?.verdicts ?? [];
    if (firstSight) {
      verdicts = compareShape(shape.fields, baseline);
      this.counters.shapesCompared += 1;
      this.learnedMaps.learn(input.eventType, verdicts, baseline.mapPaths);
      if (this.shapes.size >= this.maxCachedShapes) this.shapes.clear();
      this.shapes.set(shapeKey, { signature: shape.signature, verdicts });
    }
    return { shapeKey, verdicts, unknownEnumValues: this.capped(input.eventType, unknownEnumValues(shape.enumValues, baseline)), firstSight };
  }

  private capped(eventType: string, values: UnknownEnumValue[]): UnknownEnumValue[] {
    if (values.length === 0) return values;
    return values.map(({ path, value }) => {
      const key = `${eventType}\n${path}`;
      const seen = this.unknownValues.get(key) ?? new Set<string>();
      this.unknownValues.set(key, seen);
      if (seen.has(value)) return { path, value };
      if (seen.size >= MAX_UNKNOWN_VALUES_PER_FIELD) return { path, value: OTHER_ENUM_VALUES };
      seen.add(value);
      return { path, value };
    });
  }

  stats(): DetectorStats {
    return { ...this.counters, cachedShapes: this.shapes.size };
  }

  /** Objects taken for maps after too many distinct new keys (see LearnedMapPaths). */
  learnedMapPaths(): Record<string, string[]> {
    return this.learnedMaps.snapshot();
  }
}
