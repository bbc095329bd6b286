import { createHash, type Hash } from 'node:crypto';
import { CliError } from '../common/cli-error';

/** How far into the input: physical lines (blank ones included), bytes, and the SHA-256 of those bytes. */
export interface InputPosition {
  lines: number;
  bytes: number;
  digest: string;
}

export interface NdjsonItem {
  /** 1-based physical line number in the input. */
  line: number;
  text: string;
}

export interface NdjsonBatch {
  index: number;
  items: NdjsonItem[];
  /** Where the input stands after the batch's last line: what acknowledging the batch lets a resume skip. */
  end: InputPosition;
}

export interface BatchingOptions {
  /** Most lines per batch. */
  batchSize: number;
  /** Most bytes per batch body; a single longer line still goes alone. */
  maxBatchBytes: number;
  /** Lines already acknowledged by an earlier run: read, checked against the recorded digest, not sent. */
  skip?: InputPosition;
}

const NEWLINE = 0x0a;

/**
 * Streams NDJSON into batches without holding the input in memory. Blank lines are counted but not sent. Keeps a
 * running digest so a resumed import can prove that the lines it skips are the ones acknowledged before.
 */
export class NdjsonBatcher {
  private readonly hash: Hash = createHash('sha256');
  private lines = 0;
  private bytes = 0;
  private batchIndex = 0;
  /** Where the input ended; set once the input is exhausted. */
  endPosition: InputPosition | null = null;

  constructor(private readonly options: BatchingOptions) {}

  position(): InputPosition {
    return { lines: this.lines, bytes: this.bytes, digest: this.hash.copy().digest('hex') };
  }

  async *batches(input: AsyncIterable<Buffer | string>): AsyncGenerator<NdjsonBatch> {
    let items: NdjsonItem[] = [];
    let size = 0;
    const flush = (): NdjsonBatch => {
      const batch = { index: this.batchIndex++, items, end: this.position() };
      items = [];
      size = 0;
      return batch;
    };
    for await (const raw of this.physicalLines(input)) {
      if (this.options.skip && this.lines < this.options.skip.lines) {
        this.consume(raw);
        if (this.lines === this.options.skip.lines) this.checkSkipped(this.options.skip);
        continue;
      }
      const text = raw.toString('utf8').replace(/\r?\n$/, '');
      const blank = text.trim() === '';
      // Flush before consuming the line that does not fit, so a batch's end position is right after its last line.
      if (!blank && items.length > 0 && (items.length >= this.options.batchSize || size + raw.length > this.options.maxBatchBytes)) yield flush();
      this.consume(raw);
      if (blank) continue;
      items.push({ line: this.lines, text });
      size += raw.length;
    }
    if (this.options.skip && this.lines < this.options.skip.lines) {
      throw new CliError(`the input has ${this.lines} lines, but the import state says ${this.options.skip.lines} were already sent: it is not the same input`);
    }
    if (items.length > 0) yield flush();
    this.endPosition = this.position();
  }

  private consume(raw: Buffer): void {
    this.lines += 1;
    this.bytes += raw.length;
    this.hash.update(raw);
  }

  private checkSkipped(skip: InputPosition): void {
    const now = this.position();
    if (now.bytes !== skip.bytes || now.digest !== skip.digest) {
      throw new CliError(
        `the first ${skip.lines} lines differ from those the import state recorded as sent: the input changed since. ` +
          'Run without --resume to import it from the start (the ledger absorbs duplicates).',
      );
    }
  }

  /** Lines as raw bytes, each with its newline (the last one may have none). */
  private async *physicalLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
    let pending: Buffer[] = [];
    for await (const chunk of input) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let start = 0;
      for (let at = buffer.indexOf(NEWLINE); at !== -1; at = buffer.indexOf(NEWLINE, start)) {
        pending.push(buffer.subarray(start, at + 1));
        yield pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
        pending = [];
        start = at + 1;
      }
      if (start < buffer.length) pending.push(buffer.subarray(start));
    }
    if (pending.length > 0) yield Buffer.concat(pending);
  }
}
