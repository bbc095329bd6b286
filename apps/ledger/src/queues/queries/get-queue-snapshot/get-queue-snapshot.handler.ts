import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { activeAtSql } from '@ledger/projections';
import { queueSnapshotRole, summariseQueueSnapshot, type InteractionState, type QueueSnapshotRole } from '@ledger/domain';
import { GetQueueSnapshotQuery, type QueueSnapshot, type QueueSnapshotEntry } from './get-queue-snapshot.query';

const ROLE_ORDER = ['waiting', 'alerting', 'connected', 'wrapup'];

/**
 * Candidates: interactions that visited the queue and were in progress at `at` (activeAtSql, as `?activeAt=` reads them). Their roles are read from their
 * current state as of `at` (queueSnapshotRole reads each segment's start and end against `at`). A state folded only
 * up to `at` would miss after-call work in progress: Genesys reports it with the acw event when it ends.
 */
@QueryHandler(GetQueueSnapshotQuery)
export class GetQueueSnapshotHandler implements IQueryHandler<GetQueueSnapshotQuery> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ queueId, params: { at } }: GetQueueSnapshotQuery): Promise<QueueSnapshot> {
    const candidates = await this.dataSource.query<{ conversation_id: string; state: InteractionState }[]>(
      `SELECT conversation_id, state FROM interactions
        WHERE queue_ids @> ARRAY[$1::text] AND ${activeAtSql('$2')}`,
      [queueId, at],
    );
    const roles: QueueSnapshotRole[] = [];
    const interactions: QueueSnapshotEntry[] = [];
    for (const { conversation_id: conversationId, state } of candidates) {
      for (const role of queueSnapshotRole(state, at)) {
        if (role.queueId !== queueId) continue;
        roles.push(role);
        interactions.push({ conversationId, role: role.role, since: role.since, ...(role.userId === undefined ? {} : { userId: role.userId }) });
      }
    }
    interactions.sort(
      (a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || (a.since < b.since ? -1 : a.since > b.since ? 1 : 0) || (a.conversationId < b.conversationId ? -1 : 1),
    );
    return { queueId, at, ...summariseQueueSnapshot(roles, queueId, at), interactions };
  }
}
