import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { EventBatchResult, ReportBatchResult } from '@tiendo/shared';
import { Allow, Who } from '../common/access.js';
import type { Principal } from '../services/auth.service.js';
import { IngestService } from '../services/ingest.service.js';

/** 200 when every record was judged; 202 when some are held for a chief to decide. */
function answer<T extends { held?: unknown[] }>(response: Response, result: T): T {
  if (result.held) response.status(HttpStatus.ACCEPTED);
  return result;
}

@Controller('api/v1')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post('events')
  @HttpCode(200)
  @Allow('report')
  async events(@Who() who: Principal, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<EventBatchResult> {
    return answer(response, await this.ingest.ingestEvents(body, who));
  }

  @Post('reports')
  @HttpCode(200)
  @Allow('report')
  async reports(@Who() who: Principal, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<ReportBatchResult> {
    return answer(response, await this.ingest.ingestReports(body, who));
  }
}
