import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'nest-commander';
import { z } from 'zod';
import { CliError, EXIT_FAILED, EXIT_INTERRUPTED, runCommand, usageError } from '../common/cli-error';
import { ledgerClientFrom } from '../common/connection-options';
import { LedgerHttpCommand } from '../common/ledger-http-command';
import { createProgressBar } from '../common/progress-bar';
import { importNdjson, type ImportResult } from './import-ndjson';
import { emptyCounts, readImportState, stateFileOf, type ImportCounts, type ImportState } from './import-state';
import { ImportStateRecorder } from './import-state-recorder';

const MIB = 1024 * 1024;
const optionsSchema = z.object({
  resume: z.boolean().default(false),
  batchSize: z.coerce.number().int().min(1).max(100_000).default(500),
  maxBatchBytes: z.coerce.number().int().min(1024).max(512 * MIB).default(4 * MIB),
  concurrency: z.coerce.number().int().min(1).max(64).default(4),
  maxAttempts: z.coerce.number().int().min(1).max(1000).default(10),
});

@Command({
  name: 'import',
  arguments: '<file>',
  description: 'Stream an NDJSON file (or - for stdin) of Genesys messages into a running ledger; resumable with --resume',
  argsDescription: { file: 'NDJSON: one notification message or EventBridge event per line; - reads stdin' },
})
export class ImportCommand extends LedgerHttpCommand {
  run(params: string[], raw: Record<string, unknown> = {}): Promise<void> {
    return runCommand('import', () => this.import(params[0] ?? '', raw));
  }

  private async import(file: string, raw: Record<string, unknown>): Promise<void> {
    const parsed = optionsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw usageError(`--${String(issue?.path[0] ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue?.message ?? 'invalid'}`);
    }
    const options = parsed.data;
    const client = ledgerClientFrom(raw);
    const fromStdin = file === '-';
    if (fromStdin && options.resume) throw usageError('--resume needs a file: the import state is kept next to it, and stdin cannot be read twice');
    const inputPath = fromStdin ? null : path.resolve(file);
    const size = inputPath ? await inputSize(inputPath, file) : null;

    const stateFile = inputPath ? stateFileOf(inputPath) : null;
    const previous = stateFile ? await readImportState(stateFile) : null;
    const url = client.baseUrl.toString();
    let skip: ImportState | null = null;
    if (options.resume) {
      if (!previous) process.stderr.write(`ledger import: no import state at ${stateFile}; starting from the first line\n`);
      else if (previous.url !== url) throw usageError(`the import state ${stateFile} records an import into ${previous.url}, not ${url}: pass that --url, or drop --resume`);
      else skip = previous;
    } else if (previous) {
      process.stderr.write(`ledger import: starting over (${stateFile} holds an earlier import; --resume continues it)\n`);
    }
    const before = skip?.totals ?? emptyCounts();
    const recorder = stateFile ? new ImportStateRecorder(stateFile, url) : null;

    const abort = new AbortController();
    const onSignal = (): void => abort.abort();
    process.once('SIGINT', onSignal);
    const bar = createProgressBar('import |{bar}| {percentage}% | {lines} lines | {rate} lines/s | ETA {eta_formatted} | accepted {accepted} dup {duplicates} rejected {rejected}');
    if (size !== null) bar.start(size, progressPayload(emptyCounts(), 0));
    const startedAt = performance.now();
    let result: ImportResult;
    try {
      result = await importNdjson({
        client,
        input: inputPath ? createReadStream(inputPath) : process.stdin,
        batchSize: options.batchSize,
        maxBatchBytes: options.maxBatchBytes,
        concurrency: options.concurrency,
        maxAttempts: options.maxAttempts,
        skip: skip?.acknowledged,
        signal: abort.signal,
        onAcknowledged: (position, counts) => recorder?.record(position, sum(before, counts)),
        onProgress: ({ bytes, counts }) => bar.update(bytes, progressPayload(counts, (performance.now() - startedAt) / 1000)),
      });
      if (recorder && result.acknowledged) await recorder.record(result.acknowledged, sum(before, result.counts), { force: true, complete: result.complete });
    } finally {
      bar.stop();
      process.off('SIGINT', onSignal);
      await recorder?.flush();
    }
    const elapsedMs = Math.round(performance.now() - startedAt);
    const summary = {
      input: inputPath ?? 'stdin',
      url,
      ...result.counts,
      skipped: skip?.acknowledged.lines ?? 0,
      batches: result.batches,
      retries: result.retries,
      complete: result.complete,
      elapsedMs,
      linesPerSecond: elapsedMs > 0 ? Math.round((result.counts.lines / elapsedMs) * 1000) : result.counts.lines,
      stateFile,
      rejections: result.rejections.slice(0, 20),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    const { lines, accepted, duplicates, filtered, rejected } = result.counts;
    process.stderr.write(`ledger import: ${lines} lines in ${(elapsedMs / 1000).toFixed(1)} s — accepted ${accepted}, duplicates ${duplicates}, filtered ${filtered}, rejected ${rejected}\n`);
    if (result.failure === 'interrupted') throw new CliError(`interrupted; ${resumeHint(stateFile)}`, EXIT_INTERRUPTED);
    if (result.failure !== null) throw new CliError(`stopped: ${result.failure}; ${resumeHint(stateFile)}`, EXIT_FAILED);
  }

  @Option({ flags: '--resume', description: 'skip the lines an earlier run got acknowledged (recorded in <file>.ledger-import.json)' })
  parseResume(): boolean {
    return true;
  }

  @Option({ flags: '-b, --batch-size <lines>', description: 'lines per request', defaultValue: 500 })
  parseBatchSize(value: string): string {
    return value;
  }

  @Option({ flags: '--max-batch-bytes <bytes>', description: 'largest request body (the ledger refuses more than INGEST_MAX_BODY_BYTES)', defaultValue: 4 * MIB })
  parseMaxBatchBytes(value: string): string {
    return value;
  }

  @Option({ flags: '-c, --concurrency <requests>', description: 'requests in flight', defaultValue: 4 })
  parseConcurrency(value: string): string {
    return value;
  }

  @Option({ flags: '--max-attempts <count>', description: 'tries per batch on 503/5xx/network errors before stopping', defaultValue: 10 })
  parseMaxAttempts(value: string): string {
    return value;
  }
}

async function inputSize(inputPath: string, given: string): Promise<number> {
  try {
    const info = await stat(inputPath);
    if (!info.isFile()) throw usageError(`${given} is not a file`);
    return info.size;
  } catch (error: unknown) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(code === 'ENOENT' ? `${given}: no such file` : `cannot read ${given}: ${(error as Error).message}`);
  }
}

function sum(a: ImportCounts, b: ImportCounts): ImportCounts {
  return { lines: a.lines + b.lines, accepted: a.accepted + b.accepted, duplicates: a.duplicates + b.duplicates, filtered: a.filtered + b.filtered, rejected: a.rejected + b.rejected };
}

function progressPayload(counts: ImportCounts, elapsedS: number): Record<string, number> {
  return { lines: counts.lines, rate: elapsedS > 0 ? Math.round(counts.lines / elapsedS) : 0, accepted: counts.accepted, duplicates: counts.duplicates, rejected: counts.rejected };
}

function resumeHint(stateFile: string | null): string {
  return stateFile ? `run again with --resume to continue after the last acknowledged line (${stateFile})` : 'stdin imports cannot resume';
}
