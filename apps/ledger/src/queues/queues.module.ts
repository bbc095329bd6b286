import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { READ_MODEL_VIEWS } from '@ledger/projections/entities';
import { GetQueueSnapshotController } from './queries/get-queue-snapshot/get-queue-snapshot.controller';
import { GetQueueSnapshotHandler } from './queries/get-queue-snapshot/get-queue-snapshot.handler';
import { GetQueueStatsController } from './queries/get-queue-stats/get-queue-stats.controller';
import { GetQueueStatsHandler } from './queries/get-queue-stats/get-queue-stats.handler';

/** Queue views: interval metrics and point-in-time snapshots. */
@Module({
  imports: [CqrsModule.forRoot(), TypeOrmModule.forFeature(READ_MODEL_VIEWS)],
  controllers: [GetQueueStatsController, GetQueueSnapshotController],
  providers: [GetQueueStatsHandler, GetQueueSnapshotHandler],
})
export class QueuesModule {}
