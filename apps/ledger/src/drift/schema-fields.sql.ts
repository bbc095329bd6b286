import type { SchemaFieldObservation } from '@ledger/domain';
import type { PoolClient } from 'pg';

/** The drift subscriber's name in `schema_drift_checkpoints`. */
export const DRIFT_SUBSCRIBER = 'schema-drift';

export interface NewRegistryRow {
  eventType: string;
  topicVersion: string;
  path: string;
  kind: SchemaFieldObservation['kind'];
  value: string;
  sampleEventId: string;
}

/**
 * Upserts a batch's rows in one statement: first/last seen widen, occurrences add up, the sample stays the
 * earliest-seen event. Returns the rows that did not exist before (to log new drift once).
 */
export async function upsertSchemaFields(client: PoolClient, rows: readonly SchemaFieldObservation[]): Promise<NewRegistryRow[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof SchemaFieldObservation>(key: K) => rows.map((row) => row[key]);
  const result = await client.query<{ event_type: string; topic_version: string; path: string; kind: string; value: string; sample_event_id: string; inserted: boolean }>(
    `INSERT INTO schema_fields AS f
       (event_type, topic_version, path, json_type, value, kind, expected_type, first_seen, last_seen, sample_event_id, occurrences)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::timestamptz[], $9::timestamptz[], $10::text[], $11::bigint[])
     ON CONFLICT (event_type, topic_version, path, json_type, value) DO UPDATE SET
       kind = excluded.kind,
       expected_type = excluded.expected_type,
       sample_event_id = CASE WHEN excluded.first_seen < f.first_seen THEN excluded.sample_event_id ELSE f.sample_event_id END,
       first_seen = least(f.first_seen, excluded.first_seen),
       last_seen = greatest(f.last_seen, excluded.last_seen),
       occurrences = f.occurrences + excluded.occurrences
     RETURNING event_type, topic_version, path, kind, value, sample_event_id, (xmax = 0) AS inserted`,
    [
      column('eventType'),
      column('topicVersion'),
      column('path'),
      column('jsonType'),
      column('value'),
      column('kind'),
      column('expectedType'),
      column('firstSeen'),
      column('lastSeen'),
      column('sampleEventId'),
      column('occurrences'),
    ],
  );
  return result.rows
    .filter((row) => row.inserted)
    .map((row) => ({
      eventType: row.event_type,
      topicVersion: row.topic_version,
      path: row.path,
      kind: row.kind as SchemaFieldObservation['kind'],
      value: row.value,
      sampleEventId: row.sample_event_id,
    }));
}

export async function saveDriftCheckpoint(client: PoolClient, position: bigint, eventsSeen: number): Promise<void> {
  await client.query(
    `INSERT INTO schema_drift_checkpoints (subscriber, position, events_seen) VALUES ($1, $2, $3)
     ON CONFLICT (subscriber) DO UPDATE
     SET position = excluded.position, events_seen = schema_drift_checkpoints.events_seen + excluded.events_seen, updated_at = now()`,
    [DRIFT_SUBSCRIBER, position.toString(), eventsSeen],
  );
}

export async function readDriftCheckpoint(client: Pick<PoolClient, 'query'>): Promise<bigint | null> {
  const result = await client.query<{ position: string }>('SELECT position FROM schema_drift_checkpoints WHERE subscriber = $1', [DRIFT_SUBSCRIBER]);
  const row = result.rows[0];
  return row ? BigInt(row.position) : null;
}
