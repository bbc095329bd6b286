import { Query } from '@nestjs/cqrs';
import type { QueueSnapshotRoleKind } from '@ledger/domain';
import type { GetQueueSnapshotParams } from './get-queue-snapshot.params';

export interface QueueSnapshotEntry {
  conversationId: string;
  role: QueueSnapshotRoleKind;
  /** Since when the interaction has played this role (for `waiting`: the start of the wait). */
  since: string;
  userId?: string;
}

export interface QueueSnapshot {
  queueId: string;
  at: string;
  waiting: number;
  alerting: number;
  connected: number;
  wrapup: number;
  longestWaitMs: number | null;
  interactions: QueueSnapshotEntry[];
}

/** What queue `queueId` looked like at one instant, from the states of its interactions at that instant. */
export class GetQueueSnapshotQuery extends Query<QueueSnapshot> {
  constructor(
    readonly queueId: string,
    readonly params: GetQueueSnapshotParams,
  ) {
    super();
  }
}
