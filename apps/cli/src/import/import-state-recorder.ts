import type { ImportCounts, ImportState } from './import-state';
import { writeImportState } from './import-state';
import type { InputPosition } from './ndjson-batches';

/**
 * Keeps the state file up to date without writing it for every batch: at most every `intervalMs`, one write at a
 * time, always the latest position.
 */
export class ImportStateRecorder {
  private latest: ImportState | null = null;
  private written: ImportState | null = null;
  private chain: Promise<void> = Promise.resolve();
  private lastWriteAt = 0;

  constructor(
    private readonly path: string,
    private readonly url: string,
    private readonly intervalMs = 250,
  ) {}

  record(acknowledged: InputPosition, totals: ImportCounts, options: { force?: boolean; complete?: boolean } = {}): Promise<void> {
    this.latest = { version: 1, url: this.url, acknowledged, totals: { ...totals }, complete: options.complete ?? false, updatedAt: new Date().toISOString() };
    if (!options.force && Date.now() - this.lastWriteAt < this.intervalMs) return Promise.resolve();
    return this.flush();
  }

  /** Writes the latest state if it is not on disk yet; resolves once every write so far is done. */
  flush(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const state = this.latest;
      if (state === null || state === this.written) return;
      this.lastWriteAt = Date.now();
      await writeImportState(this.path, state);
      this.written = state;
    });
    return this.chain;
  }
}
