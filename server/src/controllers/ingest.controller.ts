import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import type { EventBatchResult, ReportBatchResult } from '@tiendo/shared';
import { AuthService } from '../services/auth.service.js';
import { IngestService } from '../services/ingest.service.js';

@Controller('api/v1')
export class IngestController {
  constructor(
    private readonly auth: AuthService,
    private readonly ingest: IngestService,
  ) {}

  @Post('events')
  @HttpCode(200)
  async events(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<EventBatchResult> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'ingest');
    return this.ingest.ingestEvents(body, principal);
  }

  @Post('reports')
  @HttpCode(200)
  async reports(@Headers('authorization') authorization: string | undefined, @Body() body: unknown): Promise<ReportBatchResult> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'ingest');
    return this.ingest.ingestReports(body, principal);
  }
}
