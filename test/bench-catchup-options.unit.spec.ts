import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatchUpVariant } from '../bench/src/catchup-variant';
import { nodeFlagName, startProdNodeFlags } from '../bench/src/start-prod-flags';

describe('parseCatchUpVariant (npm run bench:catchup-variants -- --variant=…)', () => {
  it('reads a bare name as the catch-up as deployed', () => {
    expect(parseCatchUpVariant('shipped')).toEqual({ name: 'shipped', nodeFlags: [], droppedFlags: [], env: {} });
  });

  it('sorts tokens into added Node flags, dropped start:prod flags and environment', () => {
    expect(parseCatchUpVariant('b40k-hg50:PROJECTOR_BATCH_SIZE=40000,--heap-growing-percent=50,!--max-semi-space-size,--single-threaded-gc')).toEqual({
      name: 'b40k-hg50',
      nodeFlags: ['--heap-growing-percent=50', '--single-threaded-gc'],
      droppedFlags: ['--max-semi-space-size'],
      env: { PROJECTOR_BATCH_SIZE: '40000' },
    });
  });

  it('refuses a token of no known form, and a name a report cannot show, naming what is wrong', () => {
    expect(() => parseCatchUpVariant('x:heap-growing-percent=50')).toThrow('"heap-growing-percent=50" is none of --flag[=value], !--flag, KEY=VALUE');
    expect(() => parseCatchUpVariant('x:--flag,')).toThrow('"" is none of');
    expect(() => parseCatchUpVariant('two words:--flag')).toThrow('the name must be letters, digits');
    expect(() => parseCatchUpVariant(':--flag')).toThrow('the name must be letters, digits');
  });
});

describe('startProdNodeFlags / nodeFlagName (what the bench and the tests start the service with)', () => {
  it('reads the Node flags of start:prod, not the script or its arguments', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'start-prod-'));
    const file = path.join(dir, 'package.json');
    writeFileSync(file, JSON.stringify({ scripts: { 'start:prod': 'node --max-semi-space-size=32 --no-allocation-site-pretenuring dist/main.js serve' } }));
    try {
      expect(startProdNodeFlags(file)).toEqual(['--max-semi-space-size=32', '--no-allocation-site-pretenuring']);
      expect(startProdNodeFlags(file).map(nodeFlagName)).toEqual(['--max-semi-space-size', '--no-allocation-site-pretenuring']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
