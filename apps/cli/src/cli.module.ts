import { Module } from '@nestjs/common';
import { ImportCommand } from './import/import.command';
import { ProjectionsCommand } from './projections/projections.command';
import { RebuildCommand } from './rebuild/rebuild.command';
import { ReplayCommand } from './replay/replay.command';
import { SimulateCommand } from './simulate/simulate.command';

@Module({ providers: [SimulateCommand, ImportCommand, RebuildCommand, ReplayCommand, ProjectionsCommand] })
export class CliModule {}
