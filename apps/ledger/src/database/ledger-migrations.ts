import { EVENT_STORE_MIGRATIONS } from '@ledger/event-store';
import { READ_MODEL_MIGRATIONS } from '@ledger/projections';
import { CreateConnectorGaps1732650000000 } from '../connector/migrations/1732650000000-create-connector-gaps';
import { DRIFT_MIGRATIONS } from '../drift/migrations';

/** Every migration the service owns, in order: the event store's, then the read models'. */
export const LEDGER_MIGRATIONS = [...EVENT_STORE_MIGRATIONS, ...READ_MODEL_MIGRATIONS, ...DRIFT_MIGRATIONS, CreateConnectorGaps1732650000000];
