import { Module } from '@nestjs/common';
import { AdminDatabase } from './admin-database';
import { DeadLettersController } from './dead-letters.controller';
import { ProjectionsController } from './projections.controller';

@Module({ controllers: [ProjectionsController, DeadLettersController], providers: [AdminDatabase] })
export class AdminModule {}
