import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  ClientCredentialsTokenManager,
  GenesysApiClient,
  NotificationsApi,
  NotificationsConnector,
  type ConnectorStatus,
  type GenesysLogger,
  type MessageSink,
} from '@ledger/genesys';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { IngestGate } from '../ingest/ingest-gate';
import { IngestService } from '../ingest/ingest.service';
import type { GenesysConnectorConfig } from './connector-config';
import { ConnectorGapStore } from './connector-gap.store';

export type ConnectorView =
  | { state: 'disabled'; reason: string }
  | (ConnectorStatus & { token: ReturnType<ClientCredentialsTokenManager['status']>; api: GenesysApiClient['stats'] });

/** Runs the Notifications API consumer inside the service (role `connector`), feeding the ingest pipeline. */
@Injectable()
export class ConnectorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('connector');
  private running: { connector: NotificationsConnector; tokens: ClientCredentialsTokenManager; client: GenesysApiClient } | null = null;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly ingest: IngestService,
    private readonly gate: IngestGate,
    private readonly gaps: ConnectorGapStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const genesys = this.config.genesys;
    if (!genesys) {
      this.logger.log('GENESYS_CLIENT_ID is not set: the Notifications API connector is idle');
      return;
    }
    const closed = await this.gaps.closeLeftOpen(new Date());
    if (closed > 0) this.logger.log({ closed }, 'closed the gaps a previous run left open');
    this.running = this.build(genesys);
    this.running.connector.start();
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.running) return;
    const { connector } = this.running;
    const left = await connector.stop(10_000);
    if (left > 0) this.logger.error({ left }, 'stopped with notification messages not yet stored');
    await this.gaps.connectorStopped(new Date()).catch((error: unknown) => this.logger.error({ err: error }, 'could not record the stop as a gap'));
  }

  view(): ConnectorView {
    if (!this.running) return { state: 'disabled', reason: 'GENESYS_CLIENT_ID is not set' };
    return { ...this.running.connector.status(), token: this.running.tokens.status(), api: { ...this.running.client.stats } };
  }

  private build(genesys: GenesysConnectorConfig) {
    const log = this.genesysLogger();
    const tokens = new ClientCredentialsTokenManager({
      loginBase: genesys.hosts.loginBase,
      credentials: { clientId: genesys.clientId, clientSecret: genesys.clientSecret },
      requestTimeoutMs: genesys.requestTimeoutMs,
      logger: log,
    });
    const client = new GenesysApiClient({ apiBase: genesys.hosts.apiBase, tokens, requestTimeoutMs: genesys.requestTimeoutMs, logger: log });
    const sink: MessageSink = {
      deliver: async (messages) => {
        const result = await this.ingest.ingestMessages(messages, 'notifications');
        if (result.rejected.length > 0) log.warn({ rejected: result.rejected.slice(0, 5), count: result.rejected.length }, 'notification messages rejected by ingest');
      },
      isSaturated: () => this.gate.isSaturated,
      whenAdmitting: () => this.gate.whenAdmitting(),
    };
    const connector = new NotificationsConnector({
      topics: genesys.topics,
      api: new NotificationsApi(client),
      tokens,
      sink,
      gaps: this.gaps,
      logger: log,
      settings: {
        heartbeatTimeoutMs: genesys.heartbeatTimeoutMs,
        pingIdleMs: genesys.pingIdleMs,
        connectTimeoutMs: genesys.requestTimeoutMs,
        reconnectInitialMs: genesys.reconnectInitialMs,
        reconnectMaxMs: genesys.reconnectMaxMs,
        renewAtFraction: 0.8,
        handoverGraceMs: 5_000,
        pump: {
          maxBatch: 500,
          lingerMs: 20,
          maxPending: genesys.maxPendingMessages,
          maxConcurrent: 2,
          retryInitialMs: 200,
          retryMaxMs: 10_000,
        },
      },
    });
    return { connector, tokens, client };
  }

  private genesysLogger(): GenesysLogger {
    return {
      debug: (fields, message) => this.logger.debug(fields, message),
      info: (fields, message) => this.logger.log(fields, message),
      warn: (fields, message) => this.logger.warn(fields, message),
      error: (fields, message) => this.logger.error(fields, message),
    };
  }
}
