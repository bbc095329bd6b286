import { CreateEventStore1732400000000 } from './1732400000000-create-event-store';
import { AppendFunction1733000000000 } from './1733000000000-append-function';

/** Migrations of the PostgreSQL event store, in order. The app runs them with the read-model migrations. */
export { runMigrations, pendingMigrations } from './run-migrations';

export const EVENT_STORE_MIGRATIONS = [CreateEventStore1732400000000, AppendFunction1733000000000];
