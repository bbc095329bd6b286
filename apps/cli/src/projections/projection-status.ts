import { z } from 'zod';

/**
 * `GET /v1/admin/projections` as the CLI reads it: loosely, so a field the service adds or renames later does not
 * break the status table (a missing one shows as `-`).
 */
const count = z.coerce.number().finite().nullable().optional().catch(null);
const text = z.string().nullable().optional().catch(null);

export const rebuildStatusSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String).nullable().optional().catch(null),
  targetVersion: count,
  phase: text,
  eventsDone: count,
  eventsTotal: count,
  eventsPerSecond: count,
  etaSeconds: count,
  deadLetters: count,
  error: text,
  finishedAt: text,
});
export type RebuildStatus = z.infer<typeof rebuildStatusSchema>;

export const projectionStatusSchema = z.object({
  name: z.string(),
  version: count,
  phase: text,
  status: text,
  position: z.union([z.string(), z.number()]).transform(String).nullable().optional().catch(null),
  lag: count,
  eventsApplied: count,
  eventsPerSecond: count,
  lastError: text,
  rebuild: rebuildStatusSchema.nullable().optional().catch(null),
});
export type ProjectionStatus = z.infer<typeof projectionStatusSchema>;

export const projectionsResponseSchema = z.object({
  head: z.union([z.string(), z.number()]).transform(String).nullable().optional().catch(null),
  items: z.array(projectionStatusSchema),
});
export type ProjectionsResponse = z.infer<typeof projectionsResponseSchema>;

export const TERMINAL_REBUILD_PHASES = new Set(['done', 'failed', 'cancelled']);

/** `filling 45% (45,000/100,000) 12,000 ev/s ETA 5s` — or `-` when there is no rebuild. */
export function describeRebuild(rebuild: RebuildStatus | null | undefined): string {
  if (!rebuild) return '-';
  const parts = [`v${rebuild.targetVersion ?? '?'} ${rebuild.phase ?? '?'}`];
  if (!TERMINAL_REBUILD_PHASES.has(rebuild.phase ?? '')) {
    const done = rebuild.eventsDone ?? 0;
    const total = rebuild.eventsTotal ?? 0;
    if (total > 0) parts.push(`${Math.min(100, Math.floor((done / total) * 100))}% (${group(done)}/${group(total)})`);
    if (rebuild.eventsPerSecond) parts.push(`${group(rebuild.eventsPerSecond)} ev/s`);
    if (rebuild.etaSeconds !== null && rebuild.etaSeconds !== undefined) parts.push(`ETA ${rebuild.etaSeconds}s`);
  }
  if (rebuild.deadLetters) parts.push(`${rebuild.deadLetters} dead letters`);
  if (rebuild.error) parts.push(`error: ${rebuild.error}`);
  return parts.join(' ');
}

/** A plain-text table, one row per projection; the lag is computed from `head` when the service gives none. */
export function formatProjectionsTable(response: ProjectionsResponse): string {
  const head = response.head !== null && response.head !== undefined && /^\d+$/.test(response.head) ? BigInt(response.head) : null;
  const header = ['NAME', 'VERSION', 'PHASE', 'POSITION', 'LAG', 'APPLIED', 'EV/S', 'REBUILD', 'LAST ERROR'];
  const rows = response.items.map((item) => [
    item.name,
    item.version === null || item.version === undefined ? '-' : `v${item.version}`,
    item.phase ?? item.status ?? '-',
    item.position ?? '-',
    lagOf(item, head),
    item.eventsApplied === null || item.eventsApplied === undefined ? '-' : group(item.eventsApplied),
    item.eventsPerSecond === null || item.eventsPerSecond === undefined ? '-' : group(item.eventsPerSecond),
    describeRebuild(item.rebuild),
    item.lastError ?? '-',
  ]);
  if (rows.length === 0) return 'no projections reported\n';
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function lagOf(item: ProjectionStatus, head: bigint | null): string {
  if (item.lag !== null && item.lag !== undefined) return group(item.lag);
  if (head === null || item.position === null || item.position === undefined || !/^\d+$/.test(item.position)) return '-';
  // `$all` positions have gaps: this is a distance in positions, zero when caught up, not an event count.
  return head > BigInt(item.position) ? 'behind' : '0';
}

function group(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
