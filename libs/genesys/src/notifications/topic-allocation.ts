/** Genesys accepts at most 1,000 topics per channel (HTTP 400 beyond) and keeps 20 channels per user and app. */
export const MAX_TOPICS_PER_CHANNEL = 1000;
export const MAX_CHANNELS = 20;

/**
 * Spreads topics over as few channels as the per-channel limit allows, in the order given, duplicates removed.
 * Throws when even 20 full channels cannot hold them: a 21st channel would silently evict the first.
 */
export function allocateTopics(topics: readonly string[], perChannel = MAX_TOPICS_PER_CHANNEL, maxChannels = MAX_CHANNELS): string[][] {
  const unique = [...new Set(topics.map((topic) => topic.trim()).filter((topic) => topic !== ''))];
  if (unique.length === 0) return [];
  const channels = Math.ceil(unique.length / perChannel);
  if (channels > maxChannels) {
    throw new RangeError(`${unique.length} topics need ${channels} channels; Genesys keeps at most ${maxChannels} (${maxChannels * perChannel} topics)`);
  }
  // Even spread: 1,001 topics become 501 + 500, leaving room on both channels.
  const size = Math.ceil(unique.length / channels);
  return Array.from({ length: channels }, (_, index) => unique.slice(index * size, (index + 1) * size));
}
