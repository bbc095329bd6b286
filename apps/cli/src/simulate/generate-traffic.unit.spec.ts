import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  generateConversations,
  generateTraffic,
  type GenerateTrafficOptions,
  type NotificationMessage,
} from './generate-traffic';
import type { SimulatedConversation } from './simulate-conversation';

const START = new Date('2024-05-01T08:00:00.000Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const generate = (overrides: Partial<GenerateTrafficOptions> = {}) =>
  generateTraffic({ seed: 1234, conversations: 300, startTime: START, ...overrides });
const kindOf = (event: NotificationMessage): string => event.topicName.split('.').slice(5).join('.');
const ofKind = (conversation: SimulatedConversation, kind: string) =>
  conversation.events.filter((event) => kindOf(event) === kind).map((event) => event.eventBody);

describe('generateTraffic', () => {
  it('gives identical output for the same seed, whatever the clock says', () => {
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
      const first = generate();
      vi.setSystemTime(new Date('2031-06-15T12:00:00Z'));
      const second = generate();
      expect(second).toEqual(first);
    } finally {
      vi.useRealTimers();
    }
    expect(generate({ seed: 99 }).deliveries[0]).not.toEqual(generate().deliveries[0]);
    expect(generateConversations({ seed: 1234, conversations: 300, startTime: START })).toEqual(
      generate().conversations,
    );
  });

  it('wraps every event in an EventBridge envelope whose detail-type is its topic with {id}', () => {
    const { deliveries } = generate();
    for (const delivery of deliveries) {
      const { detail } = delivery;
      expect(delivery['detail-type']).toBe(detail.topicName.replace(`.${detail.eventBody.conversationId}.`, '.{id}.'));
      expect(delivery['detail-type']).toMatch(/^v2\.detail\.events\.conversation\.\{id\}\.[a-z.]+$/);
      expect(delivery).toMatchObject({ version: '0', account: '123456789012', region: 'us-east-1', resources: [] });
      expect(delivery.source).toMatch(/^aws\.partner\/genesys\.com\/cloud\/[0-9a-f-]{36}\/[\w-]+$/);
      expect(delivery.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(delivery.id).toMatch(UUID);
      expect(detail.version).toBe('2');
      expect(detail.metadata.CorrelationId).toMatch(UUID);
      expect(Number.isInteger(detail.eventBody.eventTime)).toBe(true);
      expect(Date.parse(detail.timestamp)).toBeGreaterThanOrEqual(detail.eventBody.eventTime);
      expect(detail.eventBody.conversationId).toMatch(UUID);
    }
  });

  it.each([1234, 7, 2024])("keeps each conversation's eventTimes consistent with its steps (seed %i)", (seed) => {
    for (const conversation of generate({ seed, conversations: 1000 }).conversations) {
      const { events, steps } = conversation;
      const times = events.map((event) => event.eventBody.eventTime);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(steps.map((step) => step.at)).toEqual(steps.map((step) => step.at).sort((a, b) => a - b));
      expect(kindOf(events[0]!)).toBe('customer.start');
      expect(steps[0]).toEqual({ phase: 'ivr', at: times[0] });
      expect(steps.at(-1)).toEqual({ phase: 'ended', at: times.at(-1) });

      const at = (phase: string) => steps.filter((step) => step.phase === phase);
      expect(ofKind(conversation, 'acd.start').map((e) => [e.eventTime, e.queueId])).toEqual(
        at('queued').map((step) => [step.at, step.queueId]),
      );
      expect(ofKind(conversation, 'user.start').map((e) => [e.eventTime, e.userId])).toEqual(
        at('alerting').map((step) => [step.at, step.userId]),
      );
      const answered = ofKind(conversation, 'acd.end').filter((e) => e.acdOutcome === 'ANSWERED');
      const answers = steps.filter((step, i) => step.phase === 'connected' && steps[i - 1]?.phase === 'alerting');
      expect(answered.map((e) => [e.eventTime, e.answeredUserId])).toEqual(answers.map((s) => [s.at, s.userId]));

      const [flowStart] = ofKind(conversation, 'flow.start');
      const [flowEnd] = ofKind(conversation, 'flow.end');
      expect(flowEnd!.connectedDurationMs).toBe(flowEnd!.eventTime - flowStart!.eventTime);
      ofKind(conversation, 'acd.start').forEach((start, leg) => {
        const end = ofKind(conversation, 'acd.end')[leg]!;
        expect(end.connectedDurationMs).toBe(end.eventTime - start.eventTime);
      });

      for (const userEnd of ofKind(conversation, 'user.end')) {
        const mine = steps.filter((step) => step.userId === userEnd.userId);
        const alertAt = mine.find((step) => step.phase === 'alerting')!.at;
        const answerAt = mine.find((step) => step.phase === 'connected')!.at;
        const held = mine.reduce((sum, step, i) => (step.phase === 'held' ? sum + mine[i + 1]!.at - step.at : sum), 0);
        expect(userEnd.alertingDurationMs).toBe(answerAt - alertAt);
        expect(userEnd.interactingDurationMs).toBe(userEnd.eventTime - answerAt);
        expect(userEnd.heldDurationMs).toBe(held);
        const acw = ofKind(conversation, 'acw').find((e) => e.userId === userEnd.userId)!;
        expect(acw.eventTime).toBe(userEnd.eventTime + acw.wrapupDurationMs!);
      }
      const [customerEnd] = ofKind(conversation, 'customer.end');
      expect(customerEnd!.interactingDurationMs).toBe(customerEnd!.eventTime - times[0]!);
      const wrapup = at('wrapup')[0];
      if (wrapup)
        expect(wrapup.at).toBe(Math.min(customerEnd!.eventTime, ofKind(conversation, 'user.end').at(-1)!.eventTime));
    }
  });

  it('delivers about duplicateRate of events twice, with identical details', () => {
    const { conversations, deliveries } = generate({ duplicateRate: 0.1, reorderRate: 0 });
    const events = conversations.flatMap((conversation) => conversation.events);
    const extra = deliveries.length - events.length;
    expect(extra / events.length).toBeGreaterThan(0.08);
    expect(extra / events.length).toBeLessThan(0.12);
    const byContent = new Map<string, string[]>();
    for (const delivery of deliveries) {
      const key = JSON.stringify(delivery.detail);
      byContent.set(key, [...(byContent.get(key) ?? []), delivery.id]);
    }
    expect(new Set(byContent.keys())).toEqual(new Set(events.map((event) => JSON.stringify(event))));
    const twice = [...byContent.values()].filter((ids) => ids.length > 1);
    expect(twice.length).toBe(extra);
    expect(twice.some(([a, b]) => a === b)).toBe(true);
    expect(twice.some(([a, b]) => a !== b)).toBe(true);
  });

  it('delivers about reorderRate of events after later ones', () => {
    const { conversations, deliveries } = generate({ duplicateRate: 0, reorderRate: 0.1 });
    const total = conversations.reduce((sum, conversation) => sum + conversation.events.length, 0);
    expect(deliveries).toHaveLength(total);
    const late = deliveries.filter(
      (d, i) => i > 0 && d.detail.eventBody.eventTime < deliveries[i - 1]!.detail.eventBody.eventTime,
    ).length;
    expect(late / total).toBeGreaterThan(0.07);
    expect(late / total).toBeLessThan(0.13);

    const inOrder = generate({ duplicateRate: 0, reorderRate: 0 }).deliveries.map((d) => d.detail.eventBody.eventTime);
    expect(inOrder).toEqual([...inOrder].sort((a, b) => a - b));
  });

  it('ends abandoned conversations in queue, with no agent', () => {
    const abandoned = generate().conversations.filter((conversation) => conversation.outcome === 'abandoned');
    expect(abandoned.length).toBeGreaterThan(10);
    for (const conversation of abandoned) {
      expect(ofKind(conversation, 'acd.end').map((e) => e.acdOutcome)).toEqual(['ABANDON']);
      expect(ofKind(conversation, 'user.start')).toHaveLength(0);
      expect(conversation.userIds).toEqual([]);
      expect(ofKind(conversation, 'customer.end')).toHaveLength(1);
      expect(conversation.steps.map((step) => step.phase)).toEqual(['ivr', 'queued', 'ended']);
    }
  });

  it('gives answered conversations an agent who answers, talks and wraps up', () => {
    const answered = generate().conversations.filter((conversation) => conversation.outcome === 'answered');
    for (const conversation of answered) {
      expect(conversation.userIds.length).toBeGreaterThan(0);
      const acdEnds = ofKind(conversation, 'acd.end');
      expect(acdEnds.map((e) => e.acdOutcome)).toEqual(conversation.queueIds.map(() => 'ANSWERED'));
      expect(acdEnds.map((e) => e.answeredUserId)).toEqual(conversation.userIds);
      expect(
        ofKind(conversation, 'acw')
          .map((e) => e.userId)
          .sort(),
      ).toEqual([...conversation.userIds].sort());
      for (const acw of ofKind(conversation, 'acw')) expect(acw.wrapupCode).toMatch(UUID);
      if (conversation.transferred) {
        expect(ofKind(conversation, 'user.end')[0]!.disconnectType).toBe('TRANSFER');
        expect(new Set(conversation.queueIds).size).toBe(2);
        expect(new Set(conversation.userIds).size).toBe(2);
      }
    }
    expect(answered.some((conversation) => conversation.transferred)).toBe(true);
    expect(answered.some((conversation) => ofKind(conversation, 'user.end').some((e) => e.heldDurationMs! > 0))).toBe(
      true,
    );
    expect(new Set(answered.map((conversation) => conversation.mediaType))).toEqual(
      new Set(['VOICE', 'CHAT', 'MESSAGE']),
    );
  });

  it('pads conversations to about targetEventsPerConversation', () => {
    const counts = generate({ targetEventsPerConversation: 40 }).conversations.map((c) => c.events.length);
    const mean = counts.reduce((sum, n) => sum + n, 0) / counts.length;
    expect(mean).toBeGreaterThan(36);
    expect(mean).toBeLessThan(44);
    const plain = generate().conversations.map((c) => c.events.length);
    expect(Math.min(...plain)).toBeGreaterThanOrEqual(7);
    expect(Math.max(...plain)).toBeLessThanOrEqual(40);
  });

  // A copy of ../shared/genesys/schemas (field lists from the Genesys Python SDK models).
  const FIELD_LIST = path.resolve(__dirname, '../../../../test/fixtures/genesys/schemas/detail-event-eventBody-fields.from-python-sdk-257.1.0.json');
  it('uses only fields of the Genesys detail-event models', () => {
    const models = JSON.parse(readFileSync(FIELD_LIST, 'utf8')) as Record<string, { json: string }[]>;
    const modelOf: Record<string, string> = {
      'customer.start': 'CustomerStartDetailEventTopicCustomerStartEvent',
      'customer.end': 'CustomerEndDetailEventTopicCustomerEndEvent',
      'flow.start': 'FlowStartDetailEventTopicFlowStartEvent',
      'flow.end': 'FlowEndDetailEventTopicFlowEndEvent',
      'flow.outcome': 'FlowOutcomeDetailEventTopicFlowOutcomeEvent',
      'acd.start': 'AcdStartDetailEventTopicAcdStartEvent',
      'acd.end': 'AcdEndDetailEventTopicAcdEndEvent',
      'user.start': 'UserStartDetailEventTopicUserStartEvent',
      'user.end': 'UserEndDetailEventTopicUserEndEvent',
      acw: 'AcwDetailEventTopicAfterCallWorkEvent',
      attributes: 'AttributeDetailEventTopicAttributeUpdateEvent',
    };
    for (const event of generate({ targetEventsPerConversation: 20 }).conversations.flatMap((c) => c.events)) {
      const fields = new Set((models[modelOf[kindOf(event)] ?? ''] ?? []).map((field) => field.json));
      expect(fields.size, kindOf(event)).toBeGreaterThan(0);
      for (const key of Object.keys(event.eventBody)) expect(fields.has(key), `${kindOf(event)}.${key}`).toBe(true);
    }
  });
});
