import type { DriftKind, FieldVerdict } from './compare-shape';
import type { JsonType } from './json-shape';
import type { DriftInput, SchemaDriftDetector } from './schema-drift-detector';

export interface ObservedEvent extends DriftInput {
  eventId: string;
  /** When the ledger first received it (ISO 8601, UTC); passed in, never read from the clock. */
  seenAt: string;
}

/** One row of the schema-field registry: a (path, JSON type[, enum value]) seen on an event type and version. */
export interface SchemaFieldObservation {
  eventType: string;
  /** `''` when the message carried no version. */
  topicVersion: string;
  path: string;
  jsonType: JsonType;
  /** The unknown value of an `unknown_enum_value`; `''` for every other kind. */
  value: string;
  kind: 'baseline' | DriftKind;
  /** For a type change: the baseline's type. */
  expectedType: string | null;
  firstSeen: string;
  lastSeen: string;
  /** The earliest-seen event showing it. */
  sampleEventId: string;
  occurrences: number;
}

interface Sighting {
  firstSeen: string;
  lastSeen: string;
  sampleEventId: string;
  occurrences: number;
}

interface ShapeTally extends Sighting {
  eventType: string;
  topicVersion: string;
  verdicts: readonly FieldVerdict[];
}

/**
 * Aggregates a batch of events into registry rows: events are counted per shape, and the shapes are expanded into
 * fields once per batch, so a batch of thousands of events becomes one row per distinct field.
 */
export class SchemaFieldTally {
  private readonly shapes = new Map<string, ShapeTally>();
  private readonly enumValues = new Map<string, SchemaFieldObservation>();
  private readonly drift: Record<DriftKind, number> = { new_field: 0, type_change: 0, unknown_enum_value: 0 };
  private events = 0;

  constructor(private readonly detector: SchemaDriftDetector) {}

  add(event: ObservedEvent): void {
    const inspection = this.detector.inspect(event);
    if (!inspection) return;
    this.events += 1;
    const topicVersion = event.topicVersion ?? '';
    const shape = this.shapes.get(inspection.shapeKey);
    if (shape) see(shape, event);
    else this.shapes.set(inspection.shapeKey, { ...firstSighting(event), eventType: event.eventType, topicVersion, verdicts: inspection.verdicts });
    for (const verdict of inspection.verdicts) if (verdict.kind !== 'baseline') this.drift[verdict.kind] += 1;

    for (const { path, value } of inspection.unknownEnumValues) {
      this.drift.unknown_enum_value += 1;
      const key = rowKey(event.eventType, topicVersion, path, 'string', value);
      const row = this.enumValues.get(key);
      if (row) see(row, event);
      else {
        this.enumValues.set(key, {
          eventType: event.eventType,
          topicVersion,
          path,
          jsonType: 'string',
          value,
          kind: 'unknown_enum_value',
          expectedType: null,
          ...firstSighting(event),
        });
      }
    }
  }

  /** Events of baselined types added so far. */
  eventCount(): number {
    return this.events;
  }

  /** Drift occurrences by kind (a field on N events counts N). */
  driftCounts(): Readonly<Record<DriftKind, number>> {
    return this.drift;
  }

  observations(): SchemaFieldObservation[] {
    const rows = new Map<string, SchemaFieldObservation>();
    for (const shape of this.shapes.values()) {
      for (const verdict of shape.verdicts) {
        const key = rowKey(shape.eventType, shape.topicVersion, verdict.path, verdict.type, '');
        const row = rows.get(key);
        if (row) {
          merge(row, shape);
          continue;
        }
        rows.set(key, {
          eventType: shape.eventType,
          topicVersion: shape.topicVersion,
          path: verdict.path,
          jsonType: verdict.type,
          value: '',
          kind: verdict.kind,
          expectedType: verdict.kind === 'type_change' ? verdict.expectedType : null,
          firstSeen: shape.firstSeen,
          lastSeen: shape.lastSeen,
          sampleEventId: shape.sampleEventId,
          occurrences: shape.occurrences,
        });
      }
    }
    return [...rows.values(), ...this.enumValues.values()];
  }
}

function rowKey(eventType: string, topicVersion: string, path: string, jsonType: string, value: string): string {
  return [eventType, topicVersion, path, jsonType, value].join('\u0000');
}

function firstSighting(event: ObservedEvent): Sighting {
  return { firstSeen: event.seenAt, lastSeen: event.seenAt, sampleEventId: event.eventId, occurrences: 1 };
}

function see(sighting: Sighting, event: ObservedEvent): void {
  merge(sighting, firstSighting(event));
}

/** ISO 8601 UTC strings of one format order as text. */
function merge(into: Sighting, from: Sighting): void {
  if (from.firstSeen < into.firstSeen) {
    into.firstSeen = from.firstSeen;
    into.sampleEventId = from.sampleEventId;
  }
  if (from.lastSeen > into.lastSeen) into.lastSeen = from.lastSeen;
  into.occurrences += from.occurrences;
}
