import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { ProjectionManager, type InteractionProjectionDefinition, type ProjectorStatus } from '@ledger/projections';
import { RequestsInFlight } from '../common/requests-in-flight';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { LEDGER_DATABASE_URL } from '../database/database.tokens';
import { INTERACTION_PROJECTION_DEFINITION } from './projector.tokens';

/**
 * Longest a rebuild's fill waits, before a batch, for the API's requests in flight to be answered. Queries arrive
 * every few milliseconds under load, so the wait is usually short; the bound keeps a rebuild moving beside a busy API
 * or a long streamed import.
 */
export const FILL_YIELD_MAX_MS = 1000;

/** Runs the interaction projection (active version, rebuilds, rollback grace) inside the service (role `projector`). */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private readonly manager: ProjectionManager;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LEDGER_DATABASE_URL) databaseUrl: string,
    @Inject(INTERACTION_PROJECTION_DEFINITION) definition: InteractionProjectionDefinition,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    requests: RequestsInFlight,
  ) {
    const api = config.roles.includes('api');
    this.manager = new ProjectionManager(store, {
      connectionString: databaseUrl,
      definition,
      // Pipelined catch-up only in a process of its own: beside the API it would take the event loop from queries.
      pipelined: !api,
      // Beside the API a rebuild is background work: before each batch it lets the queries waiting go first.
      ...(api ? { fillPace: () => requests.idle(FILL_YIELD_MAX_MS) } : {}),
      ...(config.projector.batchSize ? { batchSize: config.projector.batchSize } : {}),
      onError: (error) => this.logger.error({ err: error }, 'projection failed; retrying from the last checkpoint'),
      log: (message, fields) => this.logger.log({ ...fields }, message),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.manager.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.manager.stop();
  }

  /** Projector status by physical version, for the versions this instance runs. */
  statuses(): Map<number, ProjectorStatus> {
    return this.manager.statuses();
  }
}
