import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiError } from '../common/api-error';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { DatabaseHealth } from '../database/database.health';

/** A store that does not answer within this is reported down rather than holding the probe open. */
const EVENT_STORE_PROBE_MS = 2000;

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DatabaseHealth) private readonly database: DatabaseHealth,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([async () => this.indicators.check('process').up({ pid: process.pid })]);
  }

  /**
   * The database answers, every migration is applied and the event store answers one small read within 2 s
   * (EventStoreDB is a separate server): safe to send traffic.
   */
  @Get('ready')
  @HealthCheck()
  async ready() {
    try {
      return await this.readiness();
    } catch (error) {
      // In the API's error format, naming what is down, with every check's result (not a bare "Service Unavailable").
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ApiError(503, 'HEALTH.NOT_READY', `not ready: ${down.join(', ')} down`, { checks: result.details });
    }
  }

  private readiness() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('database');
        try {
          await this.database.ping();
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
      async () => {
        const indicator = this.indicators.check('migrations');
        try {
          const pending = await this.database.hasPendingMigrations();
          return pending ? indicator.down({ message: 'migrations pending' }) : indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          await this.store.ping(EVENT_STORE_PROBE_MS);
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
    ]);
  }
}
