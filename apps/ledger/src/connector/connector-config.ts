import { z } from 'zod';
import { MAX_CHANNELS, MAX_TOPICS_PER_CHANNEL, resolveGenesysHosts, type GenesysHosts } from '@ledger/genesys';
import { boundedInteger } from '../config/environment-parsers';

const MINUTE = 60_000;

/** Variables of the Notifications API connector (role `connector`), spread into the ledger's environment schema. */
export const CONNECTOR_ENVIRONMENT = {
  GENESYS_REGION: z.string().optional(),
  GENESYS_LOGIN_BASE: z.string().optional(),
  GENESYS_API_BASE: z.string().optional(),
  GENESYS_CLIENT_ID: z.string().optional(),
  GENESYS_CLIENT_SECRET: z.string().optional(),
  /** Comma-, space- or newline-separated topic names. */
  GENESYS_TOPICS: z.string().optional(),
  GENESYS_HEARTBEAT_TIMEOUT_MS: boundedInteger('GENESYS_HEARTBEAT_TIMEOUT_MS', 50, 60 * MINUTE, 90_000),
  GENESYS_PING_IDLE_MS: boundedInteger('GENESYS_PING_IDLE_MS', 20, 60 * MINUTE, 35_000),
  GENESYS_RECONNECT_INITIAL_MS: boundedInteger('GENESYS_RECONNECT_INITIAL_MS', 1, MINUTE, 1_000),
  GENESYS_RECONNECT_MAX_MS: boundedInteger('GENESYS_RECONNECT_MAX_MS', 1, 60 * MINUTE, 60_000),
  GENESYS_MAX_PENDING_MESSAGES: boundedInteger('GENESYS_MAX_PENDING_MESSAGES', 10, 1_000_000, 2_000),
  GENESYS_REQUEST_TIMEOUT_MS: boundedInteger('GENESYS_REQUEST_TIMEOUT_MS', 100, 5 * MINUTE, 15_000),
};

const connectorEnvironmentSchema = z.object(CONNECTOR_ENVIRONMENT);
type ConnectorEnvironment = z.output<typeof connectorEnvironmentSchema>;

export interface GenesysConnectorConfig {
  hosts: GenesysHosts;
  clientId: string;
  clientSecret: string;
  topics: string[];
  heartbeatTimeoutMs: number;
  pingIdleMs: number;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  maxPendingMessages: number;
  requestTimeoutMs: number;
}

/**
 * The connector runs when `GENESYS_CLIENT_ID` is set. It is then an error to leave out the secret, the topics or the
 * hosts; and listing `connector` in `LEDGER_ROLES` explicitly without credentials is an error too (the default
 * roles include it, so a plain `npm start` must not need Genesys).
 */
export function genesysConnectorConfig(env: ConnectorEnvironment, connectorRoleExplicit: boolean): { genesys: GenesysConnectorConfig | null; problems: string[] } {
  const clientId = env.GENESYS_CLIENT_ID?.trim() ?? '';
  if (clientId === '') {
    return {
      genesys: null,
      problems: connectorRoleExplicit ? ['LEDGER_ROLES lists connector, so GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET, GENESYS_TOPICS and GENESYS_REGION must be set'] : [],
    };
  }
  const problems: string[] = [];
  const clientSecret = env.GENESYS_CLIENT_SECRET?.trim() ?? '';
  if (clientSecret === '') problems.push('GENESYS_CLIENT_SECRET must be set when GENESYS_CLIENT_ID is');
  const topics = [...new Set((env.GENESYS_TOPICS ?? '').split(/[\s,]+/).filter((topic) => topic !== ''))];
  if (topics.length === 0) problems.push('GENESYS_TOPICS must list at least one topic (comma-separated), e.g. v2.routing.queues.<queueId>.conversations');
  if (topics.length > MAX_CHANNELS * MAX_TOPICS_PER_CHANNEL) {
    problems.push(`GENESYS_TOPICS lists ${topics.length} topics; Genesys allows ${MAX_CHANNELS} channels of ${MAX_TOPICS_PER_CHANNEL} topics`);
  }
  const malformed = topics.filter((topic) => !/^[A-Za-z0-9_.{}-]+$/.test(topic));
  if (malformed.length > 0) problems.push(`GENESYS_TOPICS has malformed topic(s): ${malformed.slice(0, 5).join(', ')}`);
  if (env.GENESYS_PING_IDLE_MS >= env.GENESYS_HEARTBEAT_TIMEOUT_MS) {
    problems.push(`GENESYS_PING_IDLE_MS (${env.GENESYS_PING_IDLE_MS}) must be below GENESYS_HEARTBEAT_TIMEOUT_MS (${env.GENESYS_HEARTBEAT_TIMEOUT_MS})`);
  }
  if (env.GENESYS_RECONNECT_INITIAL_MS > env.GENESYS_RECONNECT_MAX_MS) {
    problems.push('GENESYS_RECONNECT_INITIAL_MS must not exceed GENESYS_RECONNECT_MAX_MS');
  }
  let hosts: GenesysHosts | null = null;
  try {
    hosts = resolveGenesysHosts({ region: env.GENESYS_REGION, loginBase: env.GENESYS_LOGIN_BASE, apiBase: env.GENESYS_API_BASE });
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || hosts === null) return { genesys: null, problems };
  return {
    genesys: {
      hosts,
      clientId,
      clientSecret,
      topics,
      heartbeatTimeoutMs: env.GENESYS_HEARTBEAT_TIMEOUT_MS,
      pingIdleMs: env.GENESYS_PING_IDLE_MS,
      reconnectInitialMs: env.GENESYS_RECONNECT_INITIAL_MS,
      reconnectMaxMs: env.GENESYS_RECONNECT_MAX_MS,
      maxPendingMessages: env.GENESYS_MAX_PENDING_MESSAGES,
      requestTimeoutMs: env.GENESYS_REQUEST_TIMEOUT_MS,
    },
    problems,
  };
}
