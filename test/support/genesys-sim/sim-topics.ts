/** Topic names as the simulator understands them. */
const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}|\d{3,})$/i;

export function topicTemplate(topicName: string): string {
  return topicName
    .split('.')
    .map((segment) => (ID_SEGMENT.test(segment) ? '{id}' : segment))
    .join('.');
}

const KNOWN_TEMPLATES = [
  /^v2\.detail\.events\.conversation\.\{id\}\.[a-z]+(\.[a-z]+)?$/,
  /^v2\.users\.\{id\}\.[A-Za-z]+(\.[A-Za-z]+)?$/,
  /^v2\.routing\.queues\.\{id\}\.[A-Za-z]+(\.[A-Za-z]+)?$/,
  /^v2\.conversations\.([a-z]+\.)?\{id\}(\.[A-Za-z]+)*$/,
  /^v2\.analytics\.[A-Za-z.{}]+$/,
];

export type TopicVerdict = { state: 'Permitted' } | { state: 'Rejected'; rejectionReason: string; missingPermissions: string[] };

/**
 * Per-topic verdicts as the subscriptions endpoint returns them. Topics with a `forbidden` segment stand for topics
 * the OAuth client lacks a permission for; anything outside the known templates is an invalid topic. A topic with a
 * literal `{id}` is accepted as "every id" — a simulator convenience standing for an org-wide detail feed.
 */
export function judgeTopic(topic: string): TopicVerdict {
  if (topic.split('.').includes('forbidden')) {
    return { state: 'Rejected', rejectionReason: 'Missing permissions', missingPermissions: ['analytics:conversationDetail:view'] };
  }
  const template = topicTemplate(topic);
  if (!KNOWN_TEMPLATES.some((pattern) => pattern.test(template))) {
    return { state: 'Rejected', rejectionReason: 'Invalid topic', missingPermissions: [] };
  }
  return { state: 'Permitted' };
}
