import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

const TOTAL = 10_000;
const idOf = (series: number, n: number) => `${String(series).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
// Many conversations share a start time, so pages also split runs of equal timestamps.
const startOf = (n: number) => Date.UTC(2026, 1, 2, 8) + Math.floor(n / 7) * 1000;

const customerStart = (conversationId: string, eventTime: number) => ({
  topicName: `v2.detail.events.conversation.${conversationId}.customer.start`,
  version: '2',
  eventBody: { eventTime, conversationId, participantId: `p-${conversationId}`, mediaType: 'VOICE', direction: 'INBOUND' },
});

describe('pagination while ingest continues', () => {
  let ledger: RunningLedger;

  const post = async (items: unknown[]) => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) });
    expect(response.status).toBe(202);
  };
  const caughtUp = async () => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(50)) {
      const view = (await (await fetch(`${ledger.url}/v1/admin/projections`)).json()) as { head: string | null; items: { position: string | null }[] };
      if (view.head !== null && view.items[0]?.position === view.head) return;
    }
    throw new Error('projector did not catch up');
  };

  beforeAll(async () => {
    ledger = await startLedger();
    for (let offset = 0; offset < TOTAL; offset += 1000) {
      await post(Array.from({ length: 1000 }, (_, index) => customerStart(idOf(1, offset + index), startOf(offset + index))));
    }
    await caughtUp();
  });
  afterAll(async () => ledger?.close());

  it('returns each of 10,000 interactions exactly once across pages, newest first, while new ones and late events arrive', async () => {
    let writing = true;
    let written = 0;
    // New conversations at every time (some newer, some older than the page being read) and late events that move
    // existing conversations' start times earlier.
    const writer = (async () => {
      while (writing) {
        const batch = Array.from({ length: 50 }, (_, index) => {
          const n = written + index;
          return n % 2 === 0
            ? customerStart(idOf(2, n), startOf((n * 37) % TOTAL) + 500)
            : { ...customerStart(idOf(1, (n * 53) % TOTAL), startOf(0) - 60_000), topicName: `v2.detail.events.conversation.${idOf(1, (n * 53) % TOTAL)}.flow.start` };
        });
        written += batch.length;
        await post(batch);
      }
    })();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ limit: '97', ...(cursor ? { cursor } : {}) });
      const response = await fetch(`${ledger.url}/v1/interactions?${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { conversationId: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((item) => item.conversationId));
      cursor = page.nextCursor;
      pages += 1;
      await sleep(2);
    } while (cursor);
    writing = false;
    await writer;

    expect(written).toBeGreaterThan(0);
    expect(pages).toBeGreaterThan(100);
    expect(new Set(seen).size).toBe(seen.length);
    const original = seen.filter((id) => id.startsWith(idOf(1, 0).slice(0, 8)));
    expect(new Set(original).size).toBe(TOTAL);
  });
});
