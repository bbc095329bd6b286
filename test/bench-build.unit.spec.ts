import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the bench's toolchain, without type declarations.
import { buildBench, OUT_DIR } from '../bench/build.mjs';

describe('the bench build (bench/build.mjs)', () => {
  it('transpiles everything into an emptied bench/.out: no file whose source is gone is left to be run', async () => {
    const orphan = path.join(OUT_DIR as string, 'libs', 'domain', 'src', 'removed-long-ago.js');
    mkdirSync(path.dirname(orphan), { recursive: true });
    writeFileSync(orphan, 'module.exports = "stale";\n');
    const built = (await buildBench()) as number;
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(path.join(OUT_DIR as string, 'bench', 'src', 'main.js'))).toBe(true);
    expect(existsSync(path.join(OUT_DIR as string, 'apps', 'ledger', 'src', 'main.js'))).toBe(true);
    expect(built).toBeGreaterThan(200);
  });
});
