import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_STORE, EsdbEventStore, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { LEDGER_CONFIG, type LedgerConfig } from '../config/ledger-config';
import { DatabaseHealth } from './database.health';
import { LEDGER_DATABASE_URL } from './database.tokens';

/** The event store (EventStoreDB when EVENTSTORE_URL is set, else PostgreSQL), and the read models' TypeORM connection. */
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
      imports: [
        // Read models: entities come from the feature modules (autoLoadEntities); the schema from migrations only.
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          migrationsRun: false,
          logging: false,
          extra: { max: 10 },
        }),
      ],
      providers: [
        { provide: LEDGER_DATABASE_URL, useValue: databaseUrl },
        {
          provide: EVENT_STORE,
          // Issue 4: with EVENTSTORE_URL the events live in EventStoreDB; read models and checkpoints stay in PostgreSQL.
          inject: [LEDGER_CONFIG],
          useFactory: (config: LedgerConfig): EventStore =>
            config.eventStoreUrl
              ? new EsdbEventStore({ connectionString: config.eventStoreUrl })
              : new PostgresEventStore({ connectionString: databaseUrl, poolSize: 10 }),
        },
        DatabaseHealth,
      ],
      exports: [LEDGER_DATABASE_URL, EVENT_STORE, DatabaseHealth, TypeOrmModule],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.health.close();
  }
}
