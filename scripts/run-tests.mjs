// Runs the whole vitest suite and closes with the plain `N passed, N failed` line CI reads.
// Extra arguments are passed to vitest (e.g. `npm test -- --project db`); by default the unit and db projects run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const report = path.resolve('test-results.json');
rmSync(report, { force: true });
const extra = process.argv.slice(2);
// The soak project (full-size runs) is CI's extra step, not part of `npm test`.
const projects = extra.some((arg) => arg.startsWith('--project')) ? [] : ['--project', 'unit', '--project', 'db'];
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...projects, ...extra];
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env });

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests ?? 0;
  failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0);
  if (results.numTotalTests === 0) failed += 1;
  // A suite can fail outside any test (a hook, an unhandled error): vitest's exit code says so, count it once.
  if (run.status !== 0 && failed === 0) failed = 1;
} else {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : run.status || 1);
