import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { EventBatchResult, ReportBatchResult } from '@tiendo/shared';
import { Caller } from '../common/credentials.js';
import { AuthService, type Credentials } from '../services/auth.service.js';
import { IngestService } from '../services/ingest.service.js';

@Controller('api/v1')
export class IngestController {
  constructor(
    private readonly auth: AuthService,
    private readonly ingest: IngestService,
  ) {}

  @Post('events')
  @HttpCode(200)
  async events(@Caller() caller: Credentials, @Body() body: unknown): Promise<EventBatchResult> {
    const principal = await this.auth.authenticate(caller);
    this.auth.requireRole(principal, 'ingest');
    return this.ingest.ingestEvents(body, principal);
  }

  @Post('reports')
  @HttpCode(200)
  async reports(@Caller() caller: Credentials, @Body() body: unknown): Promise<ReportBatchResult> {
    const principal = await this.auth.authenticate(caller);
    this.auth.requireRole(principal, 'ingest');
    return this.ingest.ingestReports(body, principal);
  }
}
