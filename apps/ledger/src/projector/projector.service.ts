import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { InteractionProjector, type ProjectorStatus } from '@ledger/projections';
import { LEDGER_DATABASE_URL } from '../database/database.tokens';

/** Runs the interaction projector inside the service (role `projector`). */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private readonly projector: InteractionProjector;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(LEDGER_DATABASE_URL) databaseUrl: string) {
    this.projector = new InteractionProjector(store, {
      connectionString: databaseUrl,
      onError: (error) => this.logger.error({ err: error }, 'projection batch failed; retrying from the last checkpoint'),
    });
  }

  onApplicationBootstrap(): void {
    this.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector.stop();
  }

  statuses(): ProjectorStatus[] {
    return [this.projector.status()];
  }
}
