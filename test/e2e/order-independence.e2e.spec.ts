import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoldableEvent } from '@ledger/domain';
import { ConversationScript } from '../../libs/domain/src/interaction/testing/conversation-script';
import { seededRandom } from '../../apps/cli/src/simulate/seeded-random';
import { startLedger, type RunningLedger } from '../support/ledger-in-process';

const CONVERSATION = 'c0ffee00-0000-4000-8000-000000000001';
const AGENT = 'a9000000-0000-4000-8000-000000000001';
const QUEUE = 'queue-sales';
const S = 1000;

/** IVR → queue → alert → connected → hold → connected → ACW → end, as Genesys would send it. */
function scriptedConversation(): unknown[] {
  const script = new ConversationScript({ conversationId: CONVERSATION, startMs: Date.UTC(2026, 0, 12, 9, 30) });
  const leg = { state: 'connected', queueId: QUEUE, connectedAt: 40 * S };
  const events: FoldableEvent[] = [
    script.customerStart(0),
    script.flowStart(0),
    script.flowEnd(20 * S),
    script.acdStart(20 * S, QUEUE),
    script.userStart(35 * S, AGENT, QUEUE),
    script.acdEnd(40 * S, QUEUE, 'ANSWERED', { answeredUserId: AGENT }),
    script.agentSnapshot(100 * S, AGENT, { ...leg, held: true, startHoldAt: 100 * S }),
    script.agentSnapshot(130 * S, AGENT, { ...leg, held: false }),
    script.userEnd(200 * S, AGENT, { queueId: QUEUE, interactingDurationMs: 160 * S, heldDurationMs: 30 * S, alertingDurationMs: 5 * S }),
    script.acw(230 * S, AGENT, { queueId: QUEUE, wrapupCode: 'wc-sale', wrapupDurationMs: 30 * S }),
    script.customerEnd(231 * S),
  ];
  return events.map((event) => {
    const snapshot = event.eventType.startsWith('v2.users.');
    return {
      topicName: event.eventType.replace('{id}', snapshot ? AGENT : CONVERSATION),
      version: '2',
      eventBody: event.data,
      ...(snapshot && event.eventTime ? { timestamp: event.eventTime } : {}),
    };
  });
}

describe('arrival order does not matter', () => {
  let inOrder: RunningLedger;
  let shuffled: RunningLedger;
  const messages = scriptedConversation();

  const post = async (ledger: RunningLedger, items: unknown[]) => {
    const response = await fetch(`${ledger.url}/v1/ingest/genesys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) });
    expect(response.status).toBe(202);
  };
  const stateOf = async (ledger: RunningLedger) => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(25)) {
      const view = (await (await fetch(`${ledger.url}/v1/admin/projections`)).json()) as { head: string | null; items: { position: string | null }[] };
      if (view.head !== null && view.items[0]?.position === view.head) {
        const response = await fetch(`${ledger.url}/v1/interactions/${CONVERSATION}`);
        expect(response.status).toBe(200);
        return ((await response.json()) as { state: unknown; eventCount: number });
      }
    }
    throw new Error('projector did not catch up');
  };

  beforeAll(async () => {
    [inOrder, shuffled] = await Promise.all([startLedger(), startLedger()]);
  });
  afterAll(async () => {
    await inOrder?.close();
    await shuffled?.close();
  });

  it('a shuffled delivery with duplicates, in several requests, yields the state of the in-order one', async () => {
    await post(inOrder, messages);
    const random = seededRandom(42);
    // Every message once or twice, in a random order, cut into random requests.
    const deliveries = messages.flatMap((message) => (random.next() < 0.5 ? [message, message] : [message]));
    for (let index = deliveries.length - 1; index > 0; index--) {
      const other = Math.floor(random.next() * (index + 1));
      [deliveries[index], deliveries[other]] = [deliveries[other], deliveries[index]];
    }
    while (deliveries.length > 0) await post(shuffled, deliveries.splice(0, 1 + Math.floor(random.next() * 4)));

    const expected = await stateOf(inOrder);
    const actual = await stateOf(shuffled);
    expect(actual.state).toEqual(expected.state);
    expect(actual.eventCount).toBe(messages.length);
    expect(expected.state).toMatchObject({ phase: 'ended', wrapupCodes: ['wc-sale'], queueIds: [QUEUE], userIds: [AGENT] });
  });
});
