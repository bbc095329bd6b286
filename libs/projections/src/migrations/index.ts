import { CreateReadModels1732500000000 } from './1732500000000-create-read-models';
import { ProjectionLifecycle1732600000000 } from './1732600000000-projection-lifecycle';
import { TimelineBodiesAsJson1732700000000 } from './1732700000000-timeline-bodies-as-json';
import { InteractionQueuesAndMetrics1732800000000 } from './1732800000000-interaction-queues-and-metrics';
import { InteractionListItems1732900000000 } from './1732900000000-interaction-list-items';
import { DropUnreadIndexes1733100000000 } from './1733100000000-drop-unread-indexes';
import { QueueRowsCarryListItems1733400000000 } from './1733400000000-queue-rows-carry-list-items';
import { TimelineBodiesByReference1733600000000 } from './1733600000000-timeline-bodies-by-reference';
import { InteractionActiveSpans1733700000000 } from './1733700000000-interaction-active-spans';
import { TimelineKeyedByPosition1733800000000 } from './1733800000000-timeline-keyed-by-position';

export {
  DropUnreadIndexes1733100000000,
  InteractionActiveSpans1733700000000,
  InteractionListItems1732900000000,
  InteractionQueuesAndMetrics1732800000000,
  QueueRowsCarryListItems1733400000000,
  TimelineBodiesAsJson1732700000000,
  TimelineBodiesByReference1733600000000,
  TimelineKeyedByPosition1733800000000,
};

/** Read-model migrations, in order (after the event store's). */
export const READ_MODEL_MIGRATIONS = [
  CreateReadModels1732500000000,
  ProjectionLifecycle1732600000000,
  TimelineBodiesAsJson1732700000000,
  InteractionQueuesAndMetrics1732800000000,
  InteractionListItems1732900000000,
  DropUnreadIndexes1733100000000,
  QueueRowsCarryListItems1733400000000,
  TimelineBodiesByReference1733600000000,
  InteractionActiveSpans1733700000000,
  TimelineKeyedByPosition1733800000000,
];
