import { describe, expect, it } from 'vitest';
import { evolve, foldInteraction } from './evolve';
import { initialInteractionState, type InteractionState } from './interaction-state';
import { ConversationScript } from './testing/conversation-script';

const QUEUE = 'a6f0d3b2-5b6e-4c1f-9d7e-0c2b1e3f4a50';
const AGENT = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const SECOND = 1000;

/** Inbound voice: IVR 20 s → queue 20 s → alert 5 s → talk with a 30 s hold → agent hangs up → 30 s ACW. */
function scriptedVoiceCall() {
  const s = new ConversationScript({ externalContactIds: ['ext-contact-1'] });
  const steps = [
    { phase: null, event: s.customerStart(0) },
    { phase: 'ivr', event: s.flowStart(0) },
    { phase: 'ivr', event: s.flowEnd(20 * SECOND) },
    { phase: 'queued', event: s.acdStart(20 * SECOND, QUEUE) },
    { phase: 'alerting', event: s.userStart(35 * SECOND, AGENT, QUEUE) },
    { phase: 'connected', event: s.acdEnd(40 * SECOND, QUEUE, 'ANSWERED', { answeredUserId: AGENT }) },
    {
      phase: 'held',
      event: s.agentSnapshot(100 * SECOND, AGENT, { state: 'connected', queueId: QUEUE, connectedAt: 40 * SECOND, held: true, startHoldAt: 100 * SECOND }),
    },
    { phase: 'connected', event: s.agentSnapshot(130 * SECOND, AGENT, { state: 'connected', queueId: QUEUE, connectedAt: 40 * SECOND, held: false }) },
    {
      phase: 'wrapup',
      event: s.userEnd(200 * SECOND, AGENT, { queueId: QUEUE, interactingDurationMs: 160 * SECOND, heldDurationMs: 30 * SECOND, alertingDurationMs: 5 * SECOND }),
    },
    { phase: 'wrapup', event: s.acw(230 * SECOND, AGENT, { queueId: QUEUE, wrapupCode: 'wc-sale', wrapupDurationMs: 30 * SECOND }) },
    { phase: 'ended', event: s.customerEnd(231 * SECOND) },
  ] as const;
  return { script: s, steps };
}

describe('a scripted inbound voice conversation', () => {
  it('moves through ivr → queued → alerting → connected → held → connected → wrapup → ended', () => {
    const { script, steps } = scriptedVoiceCall();
    let state: InteractionState = initialInteractionState(script.conversationId);
    for (const step of steps) {
      state = evolve(state, step.event);
      expect({ type: step.event.eventType, phase: state.phase }).toEqual({ type: step.event.eventType, phase: step.phase });
    }
  });

  it('ends with analytics metrics: tIvr, tAcd, tAlert, tTalk (interacting minus held), tHeld, tAcw, tHandle', () => {
    const { script } = scriptedVoiceCall();
    const state = foldInteraction(script.conversationId, script.events);
    expect(state.metrics).toEqual({
      tIvr: 20_000, tAcd: 20_000, tAlert: 5_000, tTalk: 130_000, tHeld: 30_000, tAcw: 30_000, tHandle: 190_000,
      nTransferred: 0, abandoned: false,
    });
  });

  it('summarises the conversation in analytics vocabulary', () => {
    const { script } = scriptedVoiceCall();
    const state = foldInteraction(script.conversationId, script.events);
    expect(state).toMatchObject({
      conversationId: script.conversationId,
      mediaType: 'voice',
      direction: 'inbound',
      ani: 'tel:+13175550100',
      dnis: 'tel:+18005550199',
      externalContactIds: ['ext-contact-1'],
      startedAt: '2025-04-10T10:14:00.000Z',
      endedAt: '2025-04-10T10:17:51.000Z',
      phase: 'ended',
      queueIds: [QUEUE],
      userIds: [AGENT],
      acdOutcome: 'ANSWERED',
      disconnectType: 'peer',
      wrapupCodes: ['wc-sale'],
      lastEventTime: '2025-04-10T10:17:51.000Z',
    });
  });

  it('records the agent segments split by the hold, as analytics does', () => {
    const { script } = scriptedVoiceCall();
    const state = foldInteraction(script.conversationId, script.events);
    const agent = state.participants.find((p) => p.userId === AGENT);
    const at = (s: number) => new Date(script.at(s * SECOND)).toISOString();
    expect(agent?.purpose).toBe('agent');
    expect(agent?.segments).toEqual([
      { segmentType: 'alert', segmentStart: at(35), segmentEnd: at(40), userId: AGENT, queueId: QUEUE },
      { segmentType: 'interact', segmentStart: at(40), segmentEnd: at(100), userId: AGENT, queueId: QUEUE },
      { segmentType: 'hold', segmentStart: at(100), segmentEnd: at(130), userId: AGENT, queueId: QUEUE },
      { segmentType: 'interact', segmentStart: at(130), segmentEnd: at(200), userId: AGENT, queueId: QUEUE, disconnectType: 'client' },
      { segmentType: 'wrapup', segmentStart: at(200), segmentEnd: at(230), userId: AGENT, queueId: QUEUE, wrapUpCode: 'wc-sale' },
    ]);
    const queue = state.participants.flatMap((p) => p.segments).find((s) => s.segmentType === 'queue');
    expect(queue).toEqual({
      segmentType: 'queue', segmentStart: at(20), segmentEnd: at(40), queueId: QUEUE, acdOutcome: 'ANSWERED', answeredUserId: AGENT,
    });
  });
});
