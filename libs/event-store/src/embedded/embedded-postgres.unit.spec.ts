import { describe, expect, it } from 'vitest';
import { defaultSharedBuffersMb, walBuffersMb } from './embedded-postgres';

const GiB = 1024 ** 3;

describe('the embedded PostgreSQL shared_buffers default', () => {
  it.each([
    [0.25 * GiB, 128],
    [2 * GiB, 512],
    [8 * GiB, 2048],
    [24 * GiB, 4096],
    [256 * GiB, 4096],
  ])('%d bytes of memory → %d MB: a quarter, from 128 MB to 4 GB', (memory, expected) => {
    expect(defaultSharedBuffersMb(memory)).toBe(expected);
  });
});

describe('the embedded PostgreSQL wal_buffers', () => {
  it.each([
    [128, 8],
    [512, 32],
    [1024, 64],
    [4096, 64],
  ])('shared_buffers %d MB → %d MB: a sixteenth, at most 64 MB', (sharedBuffers, expected) => {
    expect(walBuffersMb(sharedBuffers)).toBe(expected);
  });
});
