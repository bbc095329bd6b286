import type { GenesysApiClient } from '../http/genesys-api-client';

export interface NotificationChannelInfo {
  id: string;
  /** `wss://streaming.<env>/channels/<id>`. */
  connectUri: string;
  /** When Genesys drops the channel unless it is resubscribed (24 h after creation). Null if not stated. */
  expiresAt: Date | null;
}

export interface RejectedTopic {
  topic: string;
  reason: string;
  missingPermissions: string[];
}

export interface SubscriptionOutcome {
  subscribed: string[];
  rejected: RejectedTopic[];
}

/** The channel and subscription endpoints of the Notifications API (README §4). */
export class NotificationsApi {
  constructor(private readonly client: Pick<GenesysApiClient, 'request'>) {}

  async createChannel(): Promise<NotificationChannelInfo> {
    const { body } = await this.client.request<Record<string, unknown>>('POST', '/api/v2/notifications/channels');
    const id = body?.['id'];
    const connectUri = body?.['connectUri'];
    if (typeof id !== 'string' || typeof connectUri !== 'string') {
      throw new Error('POST /api/v2/notifications/channels answered without id and connectUri');
    }
    const expires = body?.['expires'];
    const expiresAt = typeof expires === 'string' && !Number.isNaN(Date.parse(expires)) ? new Date(expires) : null;
    return { id, connectUri, expiresAt };
  }

  /** PUT replaces the channel's topics (and extends its life). Topics Genesys refuses come back with the reason. */
  async replaceSubscriptions(channelId: string, topics: readonly string[]): Promise<SubscriptionOutcome> {
    const { body } = await this.client.request<{ entities?: unknown }>(
      'PUT',
      `/api/v2/notifications/channels/${encodeURIComponent(channelId)}/subscriptions`,
      topics.map((id) => ({ id })),
    );
    return readSubscriptionOutcome(topics, body?.entities);
  }

  /** HEAD: is the channel still there? */
  async channelExists(channelId: string): Promise<boolean> {
    const { status } = await this.client.request('HEAD', `/api/v2/notifications/channels/${encodeURIComponent(channelId)}`, undefined, { allow404: true });
    return status !== 404;
  }
}

function readSubscriptionOutcome(requested: readonly string[], entities: unknown): SubscriptionOutcome {
  const outcome: SubscriptionOutcome = { subscribed: [], rejected: [] };
  const seen = new Set<string>();
  for (const entity of Array.isArray(entities) ? entities : []) {
    if (entity === null || typeof entity !== 'object') continue;
    const record = entity as Record<string, unknown>;
    const topic = record['id'];
    if (typeof topic !== 'string') continue;
    seen.add(topic);
    const state = typeof record['state'] === 'string' ? record['state'].toLowerCase() : 'permitted';
    const reason = record['rejectionReason'];
    if (state === 'rejected' || typeof reason === 'string') {
      const missing = Array.isArray(record['missingPermissions']) ? record['missingPermissions'].filter((item): item is string => typeof item === 'string') : [];
      outcome.rejected.push({ topic, reason: typeof reason === 'string' ? reason : 'rejected', missingPermissions: missing });
    } else {
      outcome.subscribed.push(topic);
    }
  }
  // A topic Genesys leaves out of its answer is not being delivered: report it rather than assume it is.
  for (const topic of requested) {
    if (!seen.has(topic)) outcome.rejected.push({ topic, reason: 'not in the subscription response', missingPermissions: [] });
  }
  return outcome;
}
