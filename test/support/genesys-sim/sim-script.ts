import { generateTraffic, type NotificationMessage, type SimulatedConversation } from '../../../apps/cli/src/simulate/generate-traffic';
import { DETAIL_EVENT_KINDS } from '../../../apps/cli/src/simulate/genesys-messages';

export interface ConversationScript {
  conversations: SimulatedConversation[];
  /** What the sockets carry, in order: every detail event, some late, some twice (at-least-once, unordered). */
  messages: NotificationMessage[];
  /** Subscribing to these receives every message of the script. */
  topics: string[];
}

/**
 * Seeded, realistic conversations (the CLI's traffic generator) as notification messages. The topics are the detail
 * topics with `{id}`: the simulator delivers every conversation's events on them.
 */
export function conversationScript(options: { seed: number; conversations: number; startTime?: Date }): ConversationScript {
  const traffic = generateTraffic({ seed: options.seed, conversations: options.conversations, startTime: options.startTime ?? new Date('2025-06-02T08:00:00.000Z') });
  return {
    conversations: traffic.conversations,
    messages: traffic.deliveries.map((delivery) => delivery.detail),
    topics: DETAIL_EVENT_KINDS.map((kind) => `v2.detail.events.conversation.{id}.${kind}`),
  };
}

/**
 * Script indexes where a gap of up to `window` messages could not swallow a conversation whole: every conversation
 * has at least one message outside [index, index + window). Tests place their forced drops there.
 */
export function safeDropIndexes(messages: readonly NotificationMessage[], window: number): (index: number) => boolean {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  messages.forEach((message, index) => {
    const id = message.eventBody.conversationId;
    if (!first.has(id)) first.set(id, index);
    last.set(id, index);
  });
  return (index) => {
    for (const [id, start] of first) {
      if (start >= index && (last.get(id) ?? start) < index + window) return false;
    }
    return true;
  };
}
