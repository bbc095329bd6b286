import { describe, expect, it } from 'vitest';
import { ConfigError, loadLedgerConfig } from '../config/ledger-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadLedgerConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

const genesys = { GENESYS_CLIENT_ID: 'id-1', GENESYS_CLIENT_SECRET: 'secret-value-xyz', GENESYS_TOPICS: 'v2.users.11111111-1111-4111-8111-111111111111.conversations', GENESYS_REGION: 'mypurecloud.ie' };

describe('connector, webhook and backpressure configuration', () => {
  it('runs no connector without GENESYS_CLIENT_ID, even with the default roles (all)', () => {
    const config = loadLedgerConfig({});
    expect(config.roles).toContain('connector');
    expect(config.genesys).toBeNull();
    expect(config.auth).toMatchObject({ webhookSecret: null, apiKeys: [], signatureToleranceSeconds: 300 });
    expect(config.backpressure).toEqual({ highWatermark: 50_000, lowWatermark: 25_000, retryAfterSeconds: 1 });
  });

  it('reads a complete Genesys configuration', () => {
    const config = loadLedgerConfig({ ...genesys, GENESYS_TOPICS: 'a.b, c.d\n e.f', GENESYS_HEARTBEAT_TIMEOUT_MS: '2000', GENESYS_PING_IDLE_MS: '500' });
    expect(config.genesys).toMatchObject({
      hosts: { loginBase: 'https://login.mypurecloud.ie', apiBase: 'https://api.mypurecloud.ie' },
      topics: ['a.b', 'c.d', 'e.f'],
      heartbeatTimeoutMs: 2000,
      pingIdleMs: 500,
    });
  });

  it('names each problem and its variable, never the secret', () => {
    const problems = problemsOf({
      GENESYS_CLIENT_ID: 'id-1',
      GENESYS_REGION: 'mars.pure.cloud',
      GENESYS_PING_IDLE_MS: '90000',
      INGEST_HIGH_WATERMARK: '100',
      INGEST_LOW_WATERMARK: '100',
      WEBHOOK_SECRET: 'short',
    });
    expect(problems).toEqual([
      'WEBHOOK_SECRET must be at least 16 characters (or unset to accept unsigned webhooks)',
      'INGEST_LOW_WATERMARK (100) must be below INGEST_HIGH_WATERMARK (100)',
      'GENESYS_CLIENT_SECRET must be set when GENESYS_CLIENT_ID is',
      expect.stringContaining('GENESYS_TOPICS must list at least one topic'),
      'GENESYS_PING_IDLE_MS (90000) must be below GENESYS_HEARTBEAT_TIMEOUT_MS (90000)',
      expect.stringContaining('GENESYS_REGION must be one of'),
    ]);
    expect(problems.join('\n')).not.toContain('short');
  });

  it('refuses LEDGER_ROLES=connector without credentials', () => {
    expect(problemsOf({ LEDGER_ROLES: 'connector' })).toEqual([expect.stringContaining('LEDGER_ROLES lists connector, so GENESYS_CLIENT_ID')]);
  });

  it('refuses out-of-range timings with the bounds', () => {
    expect(problemsOf({ ...genesys, GENESYS_HEARTBEAT_TIMEOUT_MS: '10' })).toEqual(['GENESYS_HEARTBEAT_TIMEOUT_MS must be an integer from 50 to 3600000, got "10"']);
  });
});
