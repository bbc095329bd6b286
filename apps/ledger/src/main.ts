import 'reflect-metadata';
import pino from 'pino';
import { runMigrations, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@ledger/event-store';
import { ConfigError, loadLedgerConfig, type LedgerConfig } from './config/ledger-config';
import { LEDGER_MIGRATIONS } from './database/ledger-migrations';
import { createLedgerApp } from './ledger-app';

/**
 * Starts the ledger: config check, PostgreSQL (the embedded one unless DATABASE_URL is set), migrations, HTTP.
 * SIGINT/SIGTERM stop HTTP first (in-flight requests finish), then the store, then the embedded PostgreSQL.
 */
async function main(): Promise<void> {
  let config: LedgerConfig;
  try {
    config = loadLedgerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`interaction-ledger: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { component: 'main' } });

  let embedded: EmbeddedPostgresHandle | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    log.info({ dataDir: config.dataDir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      sharedBuffersMb: config.embeddedSharedBuffersMb,
      log: (line) => log.debug({ component: 'postgres' }, line),
    });
    databaseUrl = embedded.url;
  }
  try {
    const applied = await runMigrations(databaseUrl, LEDGER_MIGRATIONS);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    const app = await createLedgerApp(config, databaseUrl);
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info(
      // The embedded server's URL has no secret in it; an external one may, so only its host is logged.
      { url: `http://${config.host}:${port}`, roles: config.roles, database: embedded ? embedded.url : new URL(databaseUrl).host },
      'interaction ledger listening',
    );

    let stopping = false;
    const stop = async (signal: NodeJS.Signals): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      try {
        await app.close();
        await embedded?.stop();
        log.info('stopped');
        process.exit(0);
      } catch (error) {
        log.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      }
    };
    process.on('SIGINT', (signal) => void stop(signal));
    process.on('SIGTERM', (signal) => void stop(signal));
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`interaction-ledger failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
