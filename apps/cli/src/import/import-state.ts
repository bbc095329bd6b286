import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { CliError } from '../common/cli-error';
import type { InputPosition } from './ndjson-batches';

/**
 * What a resumable import remembers, next to its input (`<file>.ledger-import.json`): how far the ledger has
 * acknowledged, as a line count and a digest of those lines, so `--resume` skips exactly them and notices when the
 * file changed in between.
 */
export interface ImportState {
  version: 1;
  /** The ledger the lines were sent to. */
  url: string;
  acknowledged: InputPosition;
  /** Totals over every run of this import. */
  totals: ImportCounts;
  complete: boolean;
  updatedAt: string;
}

export interface ImportCounts {
  lines: number;
  accepted: number;
  duplicates: number;
  filtered: number;
  rejected: number;
}

export const emptyCounts = (): ImportCounts => ({ lines: 0, accepted: 0, duplicates: 0, filtered: 0, rejected: 0 });

const count = z.number().int().min(0);
const stateSchema = z.object({
  version: z.literal(1),
  url: z.string(),
  acknowledged: z.object({ lines: count, bytes: count, digest: z.string().regex(/^[0-9a-f]{64}$/) }),
  totals: z.object({ lines: count, accepted: count, duplicates: count, filtered: count, rejected: count }),
  complete: z.boolean(),
  updatedAt: z.string(),
});

export const stateFileOf = (inputPath: string): string => `${inputPath}.ledger-import.json`;

/** Null when there is no state file; a CliError when there is one that cannot be used. */
export async function readImportState(path: string): Promise<ImportState | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read the import state ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`the import state ${path} is not valid JSON; delete it to import from the start`);
  }
  const result = stateSchema.safeParse(parsed);
  if (!result.success) throw new CliError(`the import state ${path} is not one this CLI wrote (${result.error.issues[0]?.message ?? 'invalid'}); delete it to import from the start`);
  return result.data;
}

/** Written to a temporary file and renamed over the old one: a crash mid-write never leaves half a state. */
export async function writeImportState(path: string, state: ImportState): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  await rename(temporary, path);
}
