import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CliError } from '../common/cli-error';
import { NdjsonBatcher, type NdjsonBatch } from './ndjson-batches';

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(batcher: NdjsonBatcher, text: string, chunkSize = 7): Promise<NdjsonBatch[]> {
  const batches: NdjsonBatch[] = [];
  for await (const batch of batcher.batches(chunks(text, chunkSize))) batches.push(batch);
  return batches;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const input = ['{"a":1}', '', '{"b":"é"}', '{"c":3}', '  ', '{"d":4}', '{"e":5}'].join('\n');

describe('NdjsonBatcher', () => {
  it('splits lines across chunk borders, skips blank lines, and numbers lines as the file does', async () => {
    const batches = await collect(new NdjsonBatcher({ batchSize: 2, maxBatchBytes: 1 << 20 }), input, 3);
    expect(batches.map((batch) => batch.items)).toEqual([
      [{ line: 1, text: '{"a":1}' }, { line: 3, text: '{"b":"é"}' }],
      [{ line: 4, text: '{"c":3}' }, { line: 6, text: '{"d":4}' }],
      [{ line: 7, text: '{"e":5}' }],
    ]);
  });

  it('ends each batch right after its last line, with the digest of everything up to there', async () => {
    const batcher = new NdjsonBatcher({ batchSize: 2, maxBatchBytes: 1 << 20 });
    const batches = await collect(batcher, input);
    const prefix = (lines: number) => input.split('\n').slice(0, lines).map((line) => `${line}\n`).join('');
    expect(batches[0]?.end).toEqual({ lines: 3, bytes: Buffer.byteLength(prefix(3)), digest: sha256(prefix(3)) });
    // The blank line 5 travels with the batch that ends at line 6.
    expect(batches[1]?.end.lines).toBe(6);
    expect(batcher.endPosition).toEqual({ lines: 7, bytes: Buffer.byteLength(input), digest: sha256(input) });
  });

  it('caps a batch by bytes, but sends a single long line alone', async () => {
    const long = 'x'.repeat(50);
    const batches = await collect(new NdjsonBatcher({ batchSize: 100, maxBatchBytes: 20 }), `{"a":1}\n{"b":2}\n"${long}"\n{"c":3}\n`);
    expect(batches.map((batch) => batch.items.map((item) => item.line))).toEqual([[1, 2], [3], [4]]);
  });

  it('on resume, skips the acknowledged lines after checking they are the same', async () => {
    const first = await collect(new NdjsonBatcher({ batchSize: 2, maxBatchBytes: 1 << 20 }), input);
    const skip = first[0]!.end;
    const resumed = await collect(new NdjsonBatcher({ batchSize: 10, maxBatchBytes: 1 << 20, skip }), input);
    expect(resumed.flatMap((batch) => batch.items.map((item) => item.line))).toEqual([4, 6, 7]);

    const changed = input.replace('"b"', '"B"');
    await expect(collect(new NdjsonBatcher({ batchSize: 10, maxBatchBytes: 1 << 20, skip }), changed)).rejects.toThrow(CliError);
    await expect(collect(new NdjsonBatcher({ batchSize: 10, maxBatchBytes: 1 << 20, skip }), '{"a":1}\n')).rejects.toThrow(/not the same input/);
  });
});
