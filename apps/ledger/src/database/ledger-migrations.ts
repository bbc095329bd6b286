import { EVENT_STORE_MIGRATIONS } from '@ledger/event-store';

/** Every migration the service owns, in order: the event store's, then the read models'. */
export const LEDGER_MIGRATIONS = [...EVENT_STORE_MIGRATIONS];
