import { CreateEventStore1732400000000 } from './1732400000000-create-event-store';
import { AppendFunction1733000000000 } from './1733000000000-append-function';
import { AppendFunctionKeepsPlans1733200000000 } from './1733200000000-append-function-keeps-plans';
import { AppendLocksWithoutRewriting1733300000000 } from './1733300000000-append-locks-without-rewriting';
import { AppendTakesArrays1733500000000 } from './1733500000000-append-takes-arrays';

/** Migrations of the PostgreSQL event store, in order. The app runs them with the read-model migrations. */
export { runMigrations, pendingMigrations, revertMigrations } from './run-migrations';

export const EVENT_STORE_MIGRATIONS = [
  CreateEventStore1732400000000,
  AppendFunction1733000000000,
  AppendFunctionKeepsPlans1733200000000,
  AppendLocksWithoutRewriting1733300000000,
  AppendTakesArrays1733500000000,
];
