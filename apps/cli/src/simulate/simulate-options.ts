import { z } from 'zod';

/** The `simulate` command's options after validation; commander hands them over as strings or defaults. */
export interface SimulateOptions {
  conversations: number;
  rate: number;
  url: string;
  seed: number;
  batchSize: number;
  concurrency: number;
  /** Absent: the traffic is placed so that its last event happened just before now. */
  start?: Date;
  targetEvents?: number;
  duplicateRate?: number;
  reorderRate?: number;
  queues?: number;
  agents?: number;
  meanGapMs?: number;
  headers: Record<string, string>;
  dryRun: boolean;
}

const count = (min: number) => z.coerce.number().int().min(min);
const share = z.coerce.number().min(0).max(1);

const schema = z.object({
  conversations: count(0).default(100),
  rate: z.coerce.number().min(0).default(0),
  url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3000'),
  seed: z.coerce.number().int().min(0).max(0xffffffff).optional(),
  batchSize: count(1).default(50),
  concurrency: count(1).default(4),
  start: z.coerce.date().optional(),
  targetEvents: count(1).optional(),
  duplicateRate: share.optional(),
  reorderRate: share.optional(),
  queues: count(1).optional(),
  agents: count(2).optional(),
  meanGapMs: z.coerce.number().min(0).optional(),
  header: z.array(z.string().regex(/^[^:\s]+:.*$/, 'expected "name: value"')).default([]),
  dryRun: z.boolean().default(false),
});

export type ParsedOptions = { ok: true; options: SimulateOptions } | { ok: false; message: string };

/** Validates raw option values; `randomSeed` is used when no seed was given (printed in the summary to replay). */
export function parseSimulateOptions(raw: Record<string, unknown>, randomSeed: number): ParsedOptions {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const message = result.error.issues
      .map((issue) => `--${kebab(String(issue.path[0] ?? '?'))}: ${issue.message}`)
      .join('; ');
    return { ok: false, message };
  }
  const { header, seed, ...rest } = result.data;
  const headers = Object.fromEntries(
    header.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  return { ok: true, options: { ...rest, seed: seed ?? randomSeed, headers } };
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
