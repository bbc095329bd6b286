/** What a frame from the notification socket means to the consumer (README §4). */
export type SocketFrame =
  | { kind: 'heartbeat' }
  | { kind: 'pong' }
  | { kind: 'socket-closing' }
  | { kind: 'token-revoked'; topicName: string }
  | { kind: 'no-longer-subscribed'; topicName: string }
  | { kind: 'event'; message: Record<string, unknown> }
  | { kind: 'unreadable'; reason: string };

export const PING_FRAME = JSON.stringify({ message: 'ping' });

export function classifyFrame(text: string): SocketFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'unreadable', reason: 'not a JSON object' };
  const message = value as Record<string, unknown>;
  const topicName = message['topicName'];
  if (typeof topicName !== 'string') return { kind: 'unreadable', reason: 'no topicName' };
  if (topicName === 'channel.metadata') {
    const body = message['eventBody'];
    const text = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['message'] : undefined;
    return text === 'pong' ? { kind: 'pong' } : { kind: 'heartbeat' };
  }
  if (topicName === 'v2.system.socket_closing') return { kind: 'socket-closing' };
  if (topicName.startsWith('v2.system.token_revoked')) return { kind: 'token-revoked', topicName };
  if (topicName.startsWith('v2.system.no_longer_subscribed')) return { kind: 'no-longer-subscribed', topicName };
  return { kind: 'event', message };
}
