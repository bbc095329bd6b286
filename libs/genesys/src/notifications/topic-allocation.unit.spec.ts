import { describe, expect, it } from 'vitest';
import { allocateTopics } from './topic-allocation';

const topics = (count: number) => Array.from({ length: count }, (_, index) => `v2.users.${String(index).padStart(8, '0')}-0000-4000-8000-000000000000.conversations`);

describe('allocateTopics', () => {
  it('keeps up to 1,000 topics on one channel', () => {
    expect(allocateTopics(topics(1000)).map((channel) => channel.length)).toEqual([1000]);
  });

  it('spreads more than 1,000 evenly, keeping every topic exactly once', () => {
    const all = topics(2501);
    const channels = allocateTopics([...all, ...all.slice(0, 10)]);
    expect(channels.map((channel) => channel.length)).toEqual([834, 834, 833]);
    expect(channels.flat().sort()).toEqual([...all].sort());
  });

  it('refuses more than 20 channels’ worth rather than let Genesys evict the first channel', () => {
    expect(() => allocateTopics(topics(20_001))).toThrow(/at most 20/);
    expect(allocateTopics(topics(20_000))).toHaveLength(20);
  });

  it('ignores blanks', () => {
    expect(allocateTopics([' ', '', 'v2.a'])).toEqual([['v2.a']]);
  });
});
