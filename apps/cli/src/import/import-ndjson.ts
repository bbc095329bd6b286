import type { LedgerClient } from '../common/ledger-client';
import { emptyCounts, type ImportCounts } from './import-state';
import { NdjsonBatcher, type InputPosition, type NdjsonBatch } from './ndjson-batches';
import { BatchFailedError, postBatch, type LineRejection } from './post-batch';

export interface ImportNdjsonOptions {
  client: LedgerClient;
  input: AsyncIterable<Buffer | string>;
  batchSize: number;
  maxBatchBytes: number;
  /** Batches in flight at once; acknowledgement still advances in input order. */
  concurrency: number;
  /** Tries per batch on transient failures. */
  maxAttempts?: number;
  /** Lines acknowledged by an earlier run, checked and not sent again. */
  skip?: InputPosition;
  /** After each batch that extends the acknowledged prefix (in input order). */
  onAcknowledged?: (position: InputPosition, counts: ImportCounts) => Promise<void> | void;
  onProgress?: (progress: { bytes: number; counts: ImportCounts }) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  /** This run's counts; `lines` are the non-blank lines sent. */
  counts: ImportCounts;
  /** The first rejections, with their line numbers. */
  rejections: LineRejection[];
  batches: number;
  retries: number;
  /** Where the acknowledged prefix ends. */
  acknowledged: InputPosition | null;
  /** True when the whole input was read and acknowledged. */
  complete: boolean;
  /** Why the import stopped early, when it did. */
  failure: string | null;
}

const MAX_REJECTIONS_KEPT = 100;

/**
 * Streams the input in batches, several in flight, and advances the acknowledged prefix only over batches that
 * the ledger answered for (202, or a per-line refusal), in input order: whatever happens, a resume never skips a
 * line that was not acknowledged. Stops reading at the first batch that fails after its retries.
 */
export async function importNdjson(options: ImportNdjsonOptions): Promise<ImportResult> {
  const batcher = new NdjsonBatcher({ batchSize: options.batchSize, maxBatchBytes: options.maxBatchBytes, skip: options.skip });
  const result: ImportResult = { counts: emptyCounts(), rejections: [], batches: 0, retries: 0, acknowledged: options.skip ?? null, complete: false, failure: null };
  const ackCounts = emptyCounts();
  const done = new Map<number, { batch: NdjsonBatch; counts: ImportCounts }>();
  let nextToAcknowledge = 0;
  let fatal: unknown = null;
  const inFlight = new Set<Promise<void>>();

  const acknowledgeInOrder = async (): Promise<void> => {
    for (let entry = done.get(nextToAcknowledge); entry; entry = done.get(nextToAcknowledge)) {
      done.delete(nextToAcknowledge);
      nextToAcknowledge += 1;
      addCounts(ackCounts, entry.counts);
      result.acknowledged = entry.batch.end;
      await options.onAcknowledged?.(entry.batch.end, ackCounts);
    }
  };
  const send = async (batch: NdjsonBatch): Promise<void> => {
    try {
      const outcome = await postBatch(options.client, batch.items, { signal: options.signal, maxAttempts: options.maxAttempts });
      const counts: ImportCounts = {
        lines: batch.items.length,
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        filtered: outcome.filtered,
        rejected: outcome.rejections.length,
      };
      addCounts(result.counts, counts);
      result.retries += outcome.retries;
      for (const rejection of outcome.rejections) if (result.rejections.length < MAX_REJECTIONS_KEPT) result.rejections.push(rejection);
      done.set(batch.index, { batch, counts });
      await acknowledgeInOrder();
      options.onProgress?.({ bytes: result.acknowledged?.bytes ?? 0, counts: result.counts });
    } catch (error: unknown) {
      if (error instanceof BatchFailedError) result.failure ??= `lines ${batch.items[0]?.line}-${batch.items[batch.items.length - 1]?.line}: ${error.message}`;
      else fatal ??= error;
    }
  };

  try {
    for await (const batch of batcher.batches(options.input)) {
      if (result.failure !== null || fatal !== null || options.signal?.aborted) break;
      result.batches += 1;
      const sending: Promise<void> = send(batch).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    }
  } finally {
    await Promise.all(inFlight);
  }
  if (fatal !== null) throw fatal;
  if (options.signal?.aborted) result.failure ??= 'interrupted';
  // Read to the end and everything answered: the acknowledged prefix is the whole input (trailing blank lines too).
  if (result.failure === null && batcher.endPosition !== null && done.size === 0) {
    result.acknowledged = batcher.endPosition;
    result.complete = true;
    await options.onAcknowledged?.(batcher.endPosition, ackCounts);
  }
  return result;
}

function addCounts(into: ImportCounts, from: ImportCounts): void {
  into.lines += from.lines;
  into.accepted += from.accepted;
  into.duplicates += from.duplicates;
  into.filtered += from.filtered;
  into.rejected += from.rejected;
}
