import { Module } from '@nestjs/common';
import { SimulateCommand } from './simulate/simulate.command';

@Module({ providers: [SimulateCommand] })
export class CliModule {}
