import path from 'node:path';
import { z } from 'zod';
import { boundedInteger, optionalBoundedInteger } from './environment-parsers';
import { CONNECTOR_ENVIRONMENT, genesysConnectorConfig, type GenesysConnectorConfig } from '../connector/connector-config';
import { INGEST_PROTECTION_ENVIRONMENT, ingestProtectionConfig, type BackpressureConfig, type IngestAuthConfig } from '../ingest/ingest-protection-config';

export const LEDGER_ROLES = ['api', 'projector', 'connector'] as const;
export type LedgerRole = (typeof LEDGER_ROLES)[number];

const MIB = 1024 * 1024;

const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const postgresUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return undefined;
      try {
        const url = new URL(value);
        if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return value;
      } catch {
        // reported below
      }
      context.addIssue({ code: 'custom', message: `${name} must be a postgres:// connection string` });
      return z.NEVER;
    });

// EventStoreDB: `esdb://host:2113?tls=false`, `esdb://user:pass@a:2113,b:2113`, `esdb+discover://cluster:2113`.
// Exported for the bench, which takes EVENTSTORE_URL by the service's rule.
export const eventStoreUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return undefined;
      if (/^esdb(\+discover)?:\/\/[^/?#\s]+/.test(value.trim())) return value.trim();
      context.addIssue({ code: 'custom', message: `${name} must be an EventStoreDB connection string (esdb://host:2113?tls=false or esdb+discover://…)` });
      return z.NEVER;
    });

// Exported for the bench's forked catch-up, which takes PROJECTOR_BATCH_SIZE as the projector role does.
export const projectorBatchSize = optionalBoundedInteger('PROJECTOR_BATCH_SIZE', 100, 200_000);

const environmentSchema = z.object({
  PORT: boundedInteger('PORT', 0, 65535, 3000),
  HOST: z.string().default('127.0.0.1'),
  LEDGER_DATA_DIR: z.string().default('./.ledger-data'),
  EMBEDDED_PG_SHARED_BUFFERS_MB: optionalBoundedInteger('EMBEDDED_PG_SHARED_BUFFERS_MB', 16, 1_048_576),
  DATABASE_URL: postgresUrl('DATABASE_URL'),
  EVENTSTORE_URL: eventStoreUrl('EVENTSTORE_URL'),
  LEDGER_ROLES: z
    .string()
    .optional()
    .transform((value, context) => {
      const roles = commaList(value);
      if (roles.length === 0) return [...LEDGER_ROLES];
      const unknown = roles.filter((role) => !(LEDGER_ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) {
        context.addIssue({ code: 'custom', message: `LEDGER_ROLES has unknown role(s) ${unknown.join(', ')}; known: ${LEDGER_ROLES.join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(roles)] as LedgerRole[];
    }),
  INGEST_TOPICS: z.string().optional().transform(commaList),
  INGEST_MAX_BODY_BYTES: boundedInteger('INGEST_MAX_BODY_BYTES', 1024, 512 * MIB, 5 * MIB),
  INGEST_MAX_ITEMS: boundedInteger('INGEST_MAX_ITEMS', 1, 1_000_000, 10_000),
  // Small enough that one commit never takes every waiting request: while it is written, the service parses the
  // next ones. At 5,000, 16 clients' requests went into one commit and the service and PostgreSQL took turns.
  INGEST_MAX_EVENTS_PER_COMMIT: boundedInteger('INGEST_MAX_EVENTS_PER_COMMIT', 1, 100_000, 400),
  PROJECTOR_BATCH_SIZE: projectorBatchSize,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Webhook signatures, API keys, watermarks (issue 5): see ingest/ingest-protection-config.ts.
  ...INGEST_PROTECTION_ENVIRONMENT,
  // Notifications API connector (issue 5): see connector/connector-config.ts.
  ...CONNECTOR_ENVIRONMENT,
});

export interface LedgerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** shared_buffers of the embedded PostgreSQL in MB; undefined: a quarter of memory, 128 MB to 4 GB. */
  embeddedSharedBuffersMb: number | undefined;
  databaseUrl: string | undefined;
  /** EventStoreDB as the event store; unset: the PostgreSQL event store. Read models stay in PostgreSQL either way. */
  eventStoreUrl: string | undefined;
  roles: LedgerRole[];
  ingest: { topics: string[]; maxBodyBytes: number; maxItems: number; maxEventsPerCommit: number };
  /** Most events per catch-up transaction; undefined: the projector's default (20,000 in a process of its own, else 10,000). */
  projector: { batchSize: number | undefined };
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  /** Who may post to ingest: `WEBHOOK_SECRET` signatures and/or `LEDGER_API_KEYS` bearer keys; neither set: anyone. */
  auth: IngestAuthConfig;
  backpressure: BackpressureConfig;
  /** The Notifications API connector; null when `GENESYS_CLIENT_ID` is not set. */
  genesys: GenesysConnectorConfig | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks the environment once, at start-up. Every problem names its variable. */
export function loadLedgerConfig(environment: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        return issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`;
      }),
    );
  }
  const env = parsed.data;
  const protection = ingestProtectionConfig(env);
  const connector = genesysConnectorConfig(env, commaList(environment.LEDGER_ROLES).includes('connector'));
  if (protection.problems.length + connector.problems.length > 0) throw new ConfigError([...protection.problems, ...connector.problems]);
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir: path.resolve(env.LEDGER_DATA_DIR),
    embeddedSharedBuffersMb: env.EMBEDDED_PG_SHARED_BUFFERS_MB,
    databaseUrl: env.DATABASE_URL,
    eventStoreUrl: env.EVENTSTORE_URL,
    roles: env.LEDGER_ROLES,
    ingest: {
      topics: env.INGEST_TOPICS,
      maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
      maxItems: env.INGEST_MAX_ITEMS,
      maxEventsPerCommit: env.INGEST_MAX_EVENTS_PER_COMMIT,
    },
    projector: { batchSize: env.PROJECTOR_BATCH_SIZE },
    logLevel: env.LOG_LEVEL,
    auth: protection.auth,
    backpressure: protection.backpressure,
    genesys: connector.genesys,
  };
}

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
