import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { EventBatchResult, ReportBatchResult } from '@tiendo/shared';
import { Allow, Who } from '../common/access.js';
import type { Principal } from '../services/auth.service.js';
import { IngestService } from '../services/ingest.service.js';

@Controller('api/v1')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post('events')
  @HttpCode(200)
  @Allow('report')
  events(@Who() who: Principal, @Body() body: unknown): Promise<EventBatchResult> {
    return this.ingest.ingestEvents(body, who);
  }

  @Post('reports')
  @HttpCode(200)
  @Allow('report')
  reports(@Who() who: Principal, @Body() body: unknown): Promise<ReportBatchResult> {
    return this.ingest.ingestReports(body, who);
  }
}
