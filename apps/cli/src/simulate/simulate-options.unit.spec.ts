import { describe, expect, it } from 'vitest';
import { parseSimulateOptions } from './simulate-options';

describe('parseSimulateOptions', () => {
  it('applies the defaults and the random seed when nothing is given', () => {
    expect(parseSimulateOptions({}, 77)).toEqual({
      ok: true,
      options: {
        conversations: 100,
        rate: 0,
        url: 'http://127.0.0.1:3000',
        seed: 77,
        batchSize: 50,
        concurrency: 4,
        headers: {},
        dryRun: false,
      },
    });
  });

  it('coerces the strings commander passes and splits headers', () => {
    const parsed = parseSimulateOptions(
      { conversations: '500', rate: '250', seed: '9', start: '2024-05-01T08:00:00Z', header: ['X-Api-Key: abc'] },
      1,
    );
    expect(parsed).toMatchObject({
      ok: true,
      options: {
        conversations: 500,
        rate: 250,
        seed: 9,
        start: new Date('2024-05-01T08:00:00Z'),
        headers: { 'x-api-key': 'abc' },
      },
    });
  });

  it('names every bad option in one message', () => {
    const parsed = parseSimulateOptions({ conversations: 'many', batchSize: '0', url: 'ftp://x' }, 1);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.message).toMatch(/--conversations.*--url.*--batch-size|--conversations.*--batch-size/);
  });
});
