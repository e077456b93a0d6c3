/**
 * Health for load balancers and orchestrators. Liveness: the process answers (restart it when
 * not). Readiness: this instance can serve right now: it is not shutting down, the database
 * answers, and its live state follows the change log (read within READY_CHANGE_LOG_SECONDS);
 * a balancer stops sending traffic to an instance that is not ready and sends it back once it is.
 * GET /api/health keeps its original answer.
 */
import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { HealthLive, HealthReady, HealthStatus } from '../observability/api-shapes.js';
import { Database } from '../database/database.js';
import { DatabaseOutage } from '../observability/database-outage.js';
import { Lifecycle } from '../observability/lifecycle.js';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability/options.js';
import { LiveService } from '../services/live.service.js';

/** A readiness probe must answer within a balancer's probe timeout, whatever the pool does. */
const DATABASE_PROBE_MS = 2000;

@Controller('api/health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly live: LiveService,
    private readonly lifecycle: Lifecycle,
    private readonly outage: DatabaseOutage,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  @Get()
  async health(): Promise<HealthStatus> {
    if (!(await this.databaseAnswers())) throw new ServiceUnavailableException('database: unreachable');
    return { status: 'ok', database: this.db.embedded ? 'embedded' : 'postgresql', seq: this.live.seq };
  }

  @Get('live')
  alive(): HealthLive {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  async ready(): Promise<HealthReady> {
    if (this.lifecycle.draining) throw new ServiceUnavailableException('not ready: shutting down');
    if (!(await this.databaseAnswers())) throw new ServiceUnavailableException('not ready: database unreachable');
    const readSecondsAgo = Math.round((Date.now() - this.live.lastReadAt) / 100) / 10;
    if (readSecondsAgo > this.options.readyChangeLogSeconds) {
      throw new ServiceUnavailableException(`not ready: the change log was last read ${readSecondsAgo} s ago (limit ${this.options.readyChangeLogSeconds} s)`);
    }
    return { status: 'ready', database: this.db.embedded ? 'embedded' : 'postgresql', seq: this.live.seq, changeLogReadSecondsAgo: readSecondsAgo };
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const probe = this.db.em().execute('select 1').then(() => true);
    const timeout = new Promise<false>((done) => (timer = setTimeout(() => done(false), DATABASE_PROBE_MS)));
    try {
      return await Promise.race([probe, timeout]);
    } catch (error) {
      this.outage.unreachable(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
