// `npm run bench [-- --quick]`: transpile (bench/build.mjs), then run the bench with room for the generated
// workload (a million simulated deliveries live in memory) and with `--cpu-prof` when `--profile` is passed.
// `--catchup-variants` first (`npm run bench:catchup-variants`) runs the catch-up comparison instead.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildBench, OUT_DIR } from './build.mjs';

const started = Date.now();
const built = await buildBench();
process.stderr.write(`[bench] transpiled ${built} file(s) in ${Date.now() - started} ms\n`);
const variants = process.argv[2] === '--catchup-variants';
const args = process.argv.slice(variants ? 3 : 2);
const entry = variants ? 'catchup-variants.js' : 'main.js';
const nodeArgs = ['--max-old-space-size=12288', '--expose-gc'];
if (args.includes('--profile')) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.join(path.dirname(OUT_DIR), '.profiles')}`);
const run = spawnSync(process.execPath, [...nodeArgs, path.join(OUT_DIR, 'bench', 'src', entry), ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
