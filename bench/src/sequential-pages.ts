import { request } from 'undici';
import { elapsedMs, percentile } from './stats';

/** Times walking every page of a list (following nextCursor), one client, `samples` times. */
export async function sequentialPages(url: string, firstPath: string, samples: number): Promise<{ p50Ms: number | null; items: number }> {
  const latencies: number[] = [];
  let items = 0;
  for (let sample = 0; sample < samples; sample++) {
    const started = process.hrtime.bigint();
    let path: string | null = firstPath;
    items = 0;
    while (path !== null) {
      const response = await request(new URL(path, url), { method: 'GET' });
      const page = (await response.body.json()) as { items?: unknown[]; nextCursor?: string | null };
      if (response.statusCode !== 200) throw new Error(`GET ${path} answered ${response.statusCode}`);
      items += page.items?.length ?? 0;
      path = page.nextCursor ? `${firstPath}&cursor=${encodeURIComponent(page.nextCursor)}` : null;
    }
    latencies.push(elapsedMs(started));
  }
  return { p50Ms: percentile(latencies, 50), items };
}
