import { z } from 'zod';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS } from '@ledger/genesys';
import { boundedInteger } from '../config/environment-parsers';
import { parseApiKeys, type ApiKey } from './api-keys';

/** Variables of webhook authentication and ingest backpressure (spread into the ledger's environment schema). */
export const INGEST_PROTECTION_ENVIRONMENT = {
  WEBHOOK_SECRET: z.string().optional(),
  WEBHOOK_TOLERANCE_SECONDS: boundedInteger('WEBHOOK_TOLERANCE_SECONDS', 1, 3600, DEFAULT_SIGNATURE_TOLERANCE_SECONDS),
  LEDGER_API_KEYS: z.string().optional(),
  INGEST_HIGH_WATERMARK: boundedInteger('INGEST_HIGH_WATERMARK', 1, 10_000_000, 50_000),
  INGEST_LOW_WATERMARK: boundedInteger('INGEST_LOW_WATERMARK', 0, 10_000_000, 25_000),
  INGEST_RETRY_AFTER_SECONDS: boundedInteger('INGEST_RETRY_AFTER_SECONDS', 1, 3600, 1),
};

const protectionEnvironmentSchema = z.object(INGEST_PROTECTION_ENVIRONMENT);
type ProtectionEnvironment = z.output<typeof protectionEnvironmentSchema>;

export interface IngestAuthConfig {
  /** HMAC secret of `X-Ledger-Signature`; null: signatures are not required. */
  webhookSecret: string | null;
  signatureToleranceSeconds: number;
  apiKeys: ApiKey[];
}

export interface BackpressureConfig {
  /** Events in flight (parsed, not yet committed) at which new requests get 503 and sockets stop reading. */
  highWatermark: number;
  /** ... and at or below which they are admitted again. */
  lowWatermark: number;
  retryAfterSeconds: number;
}

export function ingestProtectionConfig(env: ProtectionEnvironment): { auth: IngestAuthConfig; backpressure: BackpressureConfig; problems: string[] } {
  const problems: string[] = [];
  const secret = env.WEBHOOK_SECRET?.trim() ?? '';
  if (secret !== '' && secret.length < 16) problems.push('WEBHOOK_SECRET must be at least 16 characters (or unset to accept unsigned webhooks)');
  const { keys, problems: keyProblems } = parseApiKeys(env.LEDGER_API_KEYS);
  problems.push(...keyProblems);
  if (env.INGEST_LOW_WATERMARK >= env.INGEST_HIGH_WATERMARK) {
    problems.push(`INGEST_LOW_WATERMARK (${env.INGEST_LOW_WATERMARK}) must be below INGEST_HIGH_WATERMARK (${env.INGEST_HIGH_WATERMARK})`);
  }
  return {
    auth: { webhookSecret: secret === '' ? null : secret, signatureToleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS, apiKeys: keys },
    backpressure: { highWatermark: env.INGEST_HIGH_WATERMARK, lowWatermark: env.INGEST_LOW_WATERMARK, retryAfterSeconds: env.INGEST_RETRY_AFTER_SECONDS },
    problems,
  };
}
