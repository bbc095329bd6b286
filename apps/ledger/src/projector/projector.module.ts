import { Global, Module } from '@nestjs/common';
import { ProjectorService } from './projector.service';

/** Present only with role `projector`; global so admin endpoints can report on it when it is there. */
@Global()
@Module({ providers: [ProjectorService], exports: [ProjectorService] })
export class ProjectorModule {}
