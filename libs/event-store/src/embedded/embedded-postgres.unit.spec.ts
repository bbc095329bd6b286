import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { defaultSharedBuffersMb, signalProcess, walBuffersMb } from './embedded-postgres';

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

describe('signalProcess (stopping a postmaster a killed ledger left behind)', () => {
  it('signals a live process, and says false instead of throwing once it is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const pid = child.pid as number;
    const exited = once(child, 'exit');
    expect(signalProcess(pid, 'SIGTERM')).toBe(true);
    expect(await exited).toEqual([null, 'SIGTERM']);
    // Exited and reaped: what a postmaster that died between the liveness check and the signal looks like.
    expect(signalProcess(pid, 'SIGINT')).toBe(false);
  });
});
