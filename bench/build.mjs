// Transpiles the bench and the code it drives (apps/ledger, the traffic simulator, libs) with SWC into bench/.out
// (JSON files they import are copied).
// SWC, like the test runner (unplugin-swc), keeps the decorator metadata NestJS injection needs, and rewrites the
// @ledger/* path aliases to relative requires, so plain `node` runs the output. The folder is emptied and everything
// transpiled again on each build (about 250 files in a fifth of a second): a file whose source was deleted or renamed
// never lingers there, and no modification time can leave a stale one.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(root, 'bench', '.out');
// Every library, so a new one the service starts importing needs no change here.
const libraries = readdirSync(path.join(root, 'libs'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(root, 'libs', entry.name, 'src')))
  .map((entry) => `libs/${entry.name}/src`);
const SOURCES = ['bench/src', 'apps/ledger/src', 'apps/cli/src', ...libraries];

const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
const swcOptions = (file) => ({
  filename: file,
  sourceMaps: true,
  module: { type: 'commonjs' },
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
    target: 'es2022',
    baseUrl: root,
    paths: tsconfig.compilerOptions.paths,
  },
});

/** TypeScript sources to transpile, and JSON files the code imports (copied as they are). */
function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (entry.name.endsWith('.json')) yield full;
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

export async function buildBench() {
  rmSync(OUT_DIR, { recursive: true, force: true });
  let built = 0;
  const jobs = [];
  for (const source of SOURCES) {
    for (const file of sourceFiles(path.join(root, source))) {
      const target = path.join(OUT_DIR, path.relative(root, file)).replace(/\.ts$/, '.js');
      if (file.endsWith('.json')) {
        mkdirSync(path.dirname(target), { recursive: true });
        copyFileSync(file, target);
        built += 1;
        continue;
      }
      jobs.push(
        transformFile(file, swcOptions(file)).then((result) => {
          mkdirSync(path.dirname(target), { recursive: true });
          writeFileSync(target, `${result.code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
          if (result.map) writeFileSync(`${target}.map`, result.map);
          built += 1;
        }),
      );
    }
  }
  await Promise.all(jobs);
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const built = await buildBench();
  console.log(`bench build: ${built} file(s) transpiled in ${Date.now() - started} ms`);
}
