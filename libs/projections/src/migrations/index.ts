import { CreateReadModels1732500000000 } from './1732500000000-create-read-models';

/** Read-model migrations, in order (after the event store's). */
export const READ_MODEL_MIGRATIONS = [CreateReadModels1732500000000];
