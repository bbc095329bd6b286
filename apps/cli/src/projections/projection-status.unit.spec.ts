import { describe, expect, it } from 'vitest';
import { describeRebuild, formatProjectionsTable, projectionsResponseSchema } from './projection-status';

describe('the projections status table', () => {
  it('shows one row per projection, with the rebuild progress', () => {
    const response = projectionsResponseSchema.parse({
      head: '900',
      items: [
        {
          name: 'interactions',
          version: 3,
          phase: 'live',
          position: '900',
          eventsApplied: 1234567,
          eventsPerSecond: 1500,
          rebuild: { id: 9, targetVersion: 4, phase: 'filling', eventsDone: 450000, eventsTotal: 1000000, eventsPerSecond: 30000, etaSeconds: 18, deadLetters: 2 },
        },
      ],
    });
    const table = formatProjectionsTable(response);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+PHASE\s+POSITION\s+LAG\s+APPLIED\s+EV\/S\s+REBUILD\s+LAST ERROR$/);
    expect(table).toContain('interactions  v3       live   900       0    1,234,567  1,500  v4 filling 45% (450,000/1,000,000) 30,000 ev/s ETA 18s 2 dead letters  -');
  });

  it('reads what it can from a shape it does not fully know', () => {
    const response = projectionsResponseSchema.parse({ items: [{ name: 'queues', status: 'catching-up', version: 'two', extra: true }] });
    expect(response.items[0]).toMatchObject({ name: 'queues', status: 'catching-up', version: null });
    expect(formatProjectionsTable(response)).toMatch(/\nqueues\s+-\s+catching-up\s+-/);
    expect(formatProjectionsTable({ items: [] })).toBe('no projections reported\n');
  });

  it('describes finished and failed rebuilds without progress numbers', () => {
    expect(describeRebuild({ targetVersion: 2, phase: 'done', eventsDone: 10, eventsTotal: 10 })).toBe('v2 done');
    expect(describeRebuild({ targetVersion: 2, phase: 'failed', error: 'boom' })).toBe('v2 failed error: boom');
    expect(describeRebuild(null)).toBe('-');
  });
});
