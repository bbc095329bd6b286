import { DRIFT_KINDS, type DriftKind } from '@ledger/domain';
import type { DataSource } from 'typeorm';
import { DRIFT_SUBSCRIBER } from './schema-fields.sql';
import type { SchemaDriftParams } from './schema-drift.params';
import type { DriftCheckpointDto, DriftFieldDto, EventTypeDriftDto, SchemaDriftReportDto } from './schema-drift.response';

interface DriftRow {
  event_type: string;
  topic_version: string;
  path: string;
  json_type: string;
  value: string;
  kind: DriftKind;
  expected_type: string | null;
  first_seen: Date;
  last_seen: Date;
  sample_event_id: string;
  occurrences: string;
}

/** Reads the drift rows of `schema_fields` and groups them per event type and topic version. */
export async function readSchemaDrift(dataSource: DataSource, params: SchemaDriftParams, baselineSource: string): Promise<SchemaDriftReportDto> {
  // The checkpoint first: rows read after it include at least everything it counts (they commit together).
  const checkpoint = await dataSource.query<{ position: string; events_seen: string; updated_at: Date }[]>(
    'SELECT position::text AS position, events_seen::text AS events_seen, updated_at FROM schema_drift_checkpoints WHERE subscriber = $1',
    [DRIFT_SUBSCRIBER],
  );
  const values: unknown[] = [params.kind ? [params.kind] : [...DRIFT_KINDS]];
  let where = 'kind = ANY($1::text[])';
  if (params.eventType !== null) {
    values.push(params.eventType);
    where += ` AND event_type = $${values.length}`;
  }
  values.push(params.limit + 1);
  const rows = await dataSource.query<DriftRow[]>(
    `SELECT event_type, topic_version, path, json_type, value, kind, expected_type, first_seen, last_seen, sample_event_id,
            occurrences::text AS occurrences
     FROM schema_fields WHERE ${where}
     ORDER BY event_type, topic_version, path, json_type, value
     LIMIT $${values.length}`,
    values,
  );
  return {
    baseline: baselineSource,
    checkpoint: checkpointDto(checkpoint[0]),
    truncated: rows.length > params.limit,
    items: groupByEventType(rows.slice(0, params.limit)),
  };
}

function checkpointDto(row: { position: string; events_seen: string; updated_at: Date } | undefined): DriftCheckpointDto | null {
  return row ? { position: row.position, eventsSeen: Number(row.events_seen), updatedAt: row.updated_at.toISOString() } : null;
}

function groupByEventType(rows: readonly DriftRow[]): EventTypeDriftDto[] {
  const groups = new Map<string, EventTypeDriftDto>();
  for (const row of rows) {
    const key = `${row.event_type}\n${row.topic_version}`;
    let group = groups.get(key);
    if (!group) {
      group = { eventType: row.event_type, topicVersion: row.topic_version === '' ? null : row.topic_version, newFields: [], typeChanges: [], unknownEnumValues: [] };
      groups.set(key, group);
    }
    const field: DriftFieldDto = {
      path: row.path,
      jsonType: row.json_type,
      firstSeen: row.first_seen.toISOString(),
      lastSeen: row.last_seen.toISOString(),
      occurrences: Number(row.occurrences),
      sampleEventId: row.sample_event_id,
    };
    if (row.kind === 'new_field') group.newFields.push(field);
    else if (row.kind === 'type_change') group.typeChanges.push({ ...field, expectedType: row.expected_type ?? 'unknown' });
    else group.unknownEnumValues.push({ ...field, value: row.value });
  }
  return [...groups.values()];
}
