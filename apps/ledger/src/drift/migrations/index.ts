import { CreateSchemaFields1732680000000 } from './1732680000000-create-schema-fields';

/** Migrations of the schema-drift registry, in order (after the read models'). */
export const DRIFT_MIGRATIONS = [CreateSchemaFields1732680000000];
