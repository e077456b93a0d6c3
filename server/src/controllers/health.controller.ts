import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Database } from '../database/database.js';
import { LiveService } from '../services/live.service.js';

@Controller('api')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly live: LiveService,
  ) {}

  @Get('health')
  async health(): Promise<{ status: 'ok'; database: 'embedded' | 'postgresql'; seq: number }> {
    try {
      await this.db.em().execute('select 1');
    } catch {
      throw new ServiceUnavailableException('database: unreachable');
    }
    return { status: 'ok', database: this.db.embedded ? 'embedded' : 'postgresql', seq: this.live.seq };
  }
}
