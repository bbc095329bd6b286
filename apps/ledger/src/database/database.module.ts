import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { DatabaseHealth } from './database.health';
import { LEDGER_DATABASE_URL } from './database.tokens';

/** The event store and the PostgreSQL connection the read side uses. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly health: DatabaseHealth,
  ) {}

  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: LEDGER_DATABASE_URL, useValue: databaseUrl },
        { provide: EVENT_STORE, useFactory: () => new PostgresEventStore({ connectionString: databaseUrl, poolSize: 10 }) },
        DatabaseHealth,
      ],
      exports: [LEDGER_DATABASE_URL, EVENT_STORE, DatabaseHealth],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.health.close();
  }
}
