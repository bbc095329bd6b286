import type { CpuSplit } from './cpu-accounting';
import { ratio } from './stats';

export type Figures = Record<string, number | null>;

interface Target {
  op: '>=' | '<=';
  value: number;
}

/** Issue 7's targets for this 2-core machine. */
export const TARGETS: Record<string, Target> = {
  append_vs_copy: { op: '>=', value: 0.5 },
  append_vs_emmett: { op: '>=', value: 2 },
  ingest_eps: { op: '>=', value: 20_000 },
  ingest_single_rps: { op: '>=', value: 2_000 },
  ingest_single_p99_ms: { op: '<=', value: 50 },
  catchup_eps: { op: '>=', value: 25_000 },
  query_by_id_p99_ms: { op: '<=', value: 20 },
  query_list_p99_ms: { op: '<=', value: 50 },
  replay_p50_ms: { op: '<=', value: 10 },
  rss_peak_mb: { op: '<=', value: 400 },
};

/** Each figure, the baseline it is compared with (measured in the same run), and the name of that ratio. */
const ROWS: { figure: string; unit: string; baseline?: string; ratioName?: string }[] = [
  { figure: 'copy_eps', unit: 'events/s' },
  { figure: 'append_eps', unit: 'events/s', baseline: 'copy_eps', ratioName: 'append_vs_copy' },
  { figure: 'copy_tx100_eps', unit: 'events/s', baseline: 'copy_eps', ratioName: 'copy_tx100_vs_copy' },
  { figure: 'copy_store_tx100_eps', unit: 'events/s', baseline: 'copy_eps', ratioName: 'copy_store_tx100_vs_copy' },
  { figure: 'append_eps', unit: 'events/s', baseline: 'copy_store_tx100_eps', ratioName: 'append_vs_copy_store_tx100' },
  { figure: 'append_eps_4_writers', unit: 'events/s', baseline: 'copy_eps', ratioName: 'append_4_writers_vs_copy' },
  { figure: 'emmett_append_eps', unit: 'events/s', baseline: 'copy_eps', ratioName: 'emmett_vs_copy' },
  { figure: 'append_eps', unit: 'events/s', baseline: 'emmett_append_eps', ratioName: 'append_vs_emmett' },
  { figure: 'ingest_eps', unit: 'events/s', baseline: 'copy_eps', ratioName: 'ingest_vs_copy' },
  { figure: 'http_floor_rps', unit: 'req/s' },
  { figure: 'http_floor_p99_ms', unit: 'ms' },
  { figure: 'ingest_single_rps', unit: 'req/s', baseline: 'http_floor_rps', ratioName: 'ingest_single_vs_floor' },
  { figure: 'ingest_single_p99_ms', unit: 'ms', baseline: 'http_floor_p99_ms', ratioName: 'ingest_single_p99_vs_floor' },
  { figure: 'rss_idle_mb', unit: 'MiB' },
  { figure: 'rss_peak_mb', unit: 'MiB', baseline: 'rss_idle_mb', ratioName: 'rss_peak_vs_idle' },
  { figure: 'catchup_eps', unit: 'events/s', baseline: 'copy_eps', ratioName: 'catchup_vs_copy' },
  { figure: 'catchup_rss_peak_mb', unit: 'MiB' },
  { figure: 'query_by_id_rps', unit: 'req/s', baseline: 'http_floor_rps', ratioName: 'query_by_id_vs_floor' },
  { figure: 'query_by_id_p99_ms', unit: 'ms', baseline: 'http_floor_p99_ms', ratioName: 'query_by_id_p99_vs_floor' },
  { figure: 'query_list_rps', unit: 'req/s', baseline: 'http_floor_rps', ratioName: 'query_list_vs_floor' },
  { figure: 'query_list_p99_ms', unit: 'ms', baseline: 'http_floor_p99_ms', ratioName: 'query_list_p99_vs_floor' },
  { figure: 'http_floor_sequential_p50_ms', unit: 'ms' },
  { figure: 'replay_p50_ms', unit: 'ms', baseline: 'http_floor_sequential_p50_ms', ratioName: 'replay_p50_vs_floor' },
  { figure: 'replay_p99_ms', unit: 'ms' },
  { figure: 'active_at_p50_ms', unit: 'ms', baseline: 'http_floor_sequential_p50_ms', ratioName: 'active_at_p50_vs_floor' },
  { figure: 'active_at_all_p50_ms', unit: 'ms' },
];

/** Every figure the table shows (null in the JSON when it was not measured). */
export const FIGURE_NAMES = [...new Set(ROWS.map((row) => row.figure))];

/** Adds every ratio (rounded) to the figures. */
export function withRatios(figures: Figures): Figures {
  const out: Figures = { ...figures };
  for (const row of ROWS) {
    if (row.baseline && row.ratioName) out[row.ratioName] = ratio(figures[row.figure] ?? null, figures[row.baseline] ?? null, 3);
  }
  return out;
}

export function targetsMet(figures: Figures): Record<string, boolean | null> {
  const met: Record<string, boolean | null> = {};
  for (const [name, target] of Object.entries(TARGETS)) {
    const value = figures[name];
    met[name] = value === null || value === undefined ? null : target.op === '>=' ? value >= target.value : value <= target.value;
  }
  return met;
}

const format = (value: number | null | undefined): string => {
  if (value === null || value === undefined) return 'null';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
};

/** The readable table: figure, value, baseline and ratio from this run, target and whether it is met. */
export function renderTable(figures: Figures, reasons: Record<string, string>): string {
  const met = targetsMet(figures);
  const header = ['figure', 'value', 'unit', 'vs baseline (same run)', 'ratio', 'target', 'met'];
  const lines: string[][] = [header];
  for (const row of ROWS) {
    const ratioValue = row.ratioName ? figures[row.ratioName] : undefined;
    const targetKey = row.ratioName && TARGETS[row.ratioName] ? row.ratioName : TARGETS[row.figure] ? row.figure : undefined;
    const target = targetKey ? TARGETS[targetKey] : undefined;
    const targetText = target && targetKey ? `${targetKey === row.figure ? '' : `${targetKey} `}${target.op} ${format(target.value)}` : '';
    const metValue = targetKey ? met[targetKey] : undefined;
    lines.push([
      row.figure,
      format(figures[row.figure]),
      row.unit,
      row.baseline ? `${row.baseline} ${format(figures[row.baseline])}` : '',
      row.ratioName ? `${row.ratioName} ${format(ratioValue)}` : '',
      targetText,
      metValue === undefined ? '' : metValue === null ? 'n/a' : metValue ? 'yes' : 'NO',
    ]);
  }
  const widths = header.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  const render = (line: string[]): string => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ').trimEnd();
  const out = [render(lines[0] as string[]), widths.map((width) => '-'.repeat(width)).join('-|-'), ...lines.slice(1).map(render)];
  for (const [figure, reason] of Object.entries(reasons)) out.push(`  ${figure} = null: ${reason}`);
  return out.join('\n');
}

/** Cores used per phase by this bench, the service, PostgreSQL and other work on the machine. */
export function renderCpuTable(phases: Record<string, CpuSplit | null>): string {
  const rows = Object.entries(phases).filter((entry): entry is [string, CpuSplit] => entry[1] !== null);
  if (rows.length === 0) return 'CPU by phase: not available (no /proc)';
  const header = ['phase (cores used on average)', 'wall s', 'bench', 'service', 'postgres', 'other work', 'idle'];
  const lines = [header, ...rows.map(([phase, split]) => [phase, split.wallS, split.bench, split.service, split.postgres, split.other, split.idle].map(String))];
  const widths = header.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  return lines.map((line) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ').trimEnd()).join('\n');
}
