// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package/folder, largest first.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

const where = (url) => {
  if (!url) return '(native)';
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (modules) return modules[1];
  const ours = url.match(/\.out\/(.+?\/src)\//) ?? url.match(/\/(apps|libs|bench)\/.+?\//);
  if (ours) return ours[1] ?? ours[0];
  if (url.startsWith('node:')) return 'node core';
  return url;
};
const byFunction = new Map();
const byPlace = new Map();
for (const [id, count] of selfSamples) {
  const node = nodes.get(id);
  const frame = node.callFrame;
  const name = `${frame.functionName || '(anonymous)'} ${frame.url ? `${frame.url.replace(/^.*\/(node_modules|\.out)\//, '')}:${frame.lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + count);
  const place = ['(idle)', '(program)', '(garbage collector)'].includes(frame.functionName) ? frame.functionName : where(frame.url);
  byPlace.set(place, (byPlace.get(place) ?? 0) + count);
}
const pct = (count) => `${((100 * count) / total).toFixed(1).padStart(5)}%`;
const seconds = (profile.endTime - profile.startTime) / 1e6;
console.log(`${file}: ${total} samples over ${seconds.toFixed(1)} s`);
console.log('\nself time by package / folder');
for (const [place, count] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(count)}  ${place}`);
console.log('\nself time by function');
for (const [name, count] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(count)}  ${name}`);
