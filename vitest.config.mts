import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));
const alias = {
  '@ledger/domain': path.resolve(root, 'libs/domain/src'),
  '@ledger/event-store': path.resolve(root, 'libs/event-store/src'),
  '@ledger/genesys': path.resolve(root, 'libs/genesys/src'),
  '@ledger/projections': path.resolve(root, 'libs/projections/src'),
};

// SWC keeps decorator metadata, which NestJS dependency injection needs and esbuild drops.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          // Unit tests run first, in parallel; the database suites after them, two files at a time.
          sequence: { groupOrder: 0 },
          include: ['libs/**/*.unit.spec.ts', 'apps/**/*.unit.spec.ts', 'test/**/*.unit.spec.ts'],
          environment: 'node',
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'db',
          sequence: { groupOrder: 1 },
          include: ['test/**/*.int.spec.ts', 'test/**/*.e2e.spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          // Long runs at full size (CI runs them after the suite): not part of `npm test`.
          name: 'soak',
          include: ['test/soak/**/*.soak.spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 3_600_000,
          pool: 'forks',
          maxWorkers: 1,
          // The soak collects the garbage of its generated history before the measured load starts.
          execArgv: ['--expose-gc'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
