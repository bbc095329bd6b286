import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EVENT_STORE, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { DatabaseHealth } from './database.health';
import { LEDGER_DATABASE_URL } from './database.tokens';

/** The event store, and the TypeORM connection of the read models. */
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
        { provide: EVENT_STORE, useFactory: () => new PostgresEventStore({ connectionString: databaseUrl, poolSize: 10 }) },
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
