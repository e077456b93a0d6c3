import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { CountImportPreview, CountImportResult, EveningReport, ProgressTable } from '@tiendo/shared';
import { cleanText, code } from '@tiendo/shared/schemas';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { Allow, Who } from '../common/access.js';
import { Caller } from '../common/credentials.js';
import { parseParam, parseQuery } from '../common/params.js';
import { readUpload } from '../common/upload.js';
import { CountImportService } from '../office/count-import.service.js';
import { ReportService } from '../office/report.service.js';
import { AuthService, type Credentials, type Principal } from '../services/auth.service.js';
import { LiveService } from '../services/live.service.js';

const fileName = cleanText(300).optional();
const day = cleanText(10).optional();
const kind = z.enum(['day', 'total'], 'must be day or total').optional();
const format = z.enum(['xlsx', 'csv'], 'must be xlsx or csv').optional();

@Controller('api/v1/campaigns')
export class OfficeController {
  constructor(
    private readonly counts: CountImportService,
    private readonly reports: ReportService,
    private readonly auth: AuthService,
    private readonly live: LiveService,
  ) {}

  /** The sheet is the body; its file name, and the day and kind of its figures when it does not say, are in the query. */
  @Post(':id/counts/import')
  @HttpCode(200)
  @Allow('report')
  async importCounts(@Who() who: Principal, @Param('id') id: string, @Query() query: unknown, @Req() request: Request): Promise<CountImportPreview> {
    const q = parseQuery(query, { name: fileName, date: day, kind });
    const upload = await readUpload(request, q.name);
    return this.counts.preview(who, parseParam('campaign', id, code), Buffer.from(upload.bytes), upload.fileName, q.date ?? null, q.kind ?? null);
  }

  @Post(':id/counts/import/:importId/confirm')
  @HttpCode(200)
  @Allow('report')
  confirmCounts(@Who() who: Principal, @Param('id') id: string, @Param('importId') importId: string, @Body() body: unknown): Promise<CountImportResult> {
    return this.counts.confirm(who, parseParam('campaign', id, code), parseParam('importId', importId, code), body);
  }

  @Get(':id/table')
  async table(@Param('id') id: string, @Query() query: unknown, @Caller() caller: Credentials): Promise<ProgressTable[]> {
    const q = parseQuery(query, { scope: code.optional(), date: day, metric: code.optional() });
    const scope = await this.readable(caller, id, q.scope);
    return this.reports.tables(scope.campaign, scope.unit, q.date ?? null, q.metric ?? null);
  }

  /** The progress table as a file: XLSX (every metric, or the one asked) or CSV (one metric, the first by default). */
  @Get(':id/export')
  async export(@Param('id') id: string, @Query() query: unknown, @Caller() caller: Credentials, @Res() response: Response): Promise<void> {
    const q = parseQuery(query, { scope: code.optional(), date: day, metric: code.optional(), format });
    const scope = await this.readable(caller, id, q.scope);
    const file = await this.reports.tableFile(scope.campaign, scope.unit, q.date ?? null, q.metric ?? null, q.format ?? 'xlsx');
    response.type(file.type).attachment(file.name).send(file.body);
  }

  @Get(':id/report')
  async report(@Param('id') id: string, @Query() query: unknown, @Caller() caller: Credentials): Promise<EveningReport> {
    const q = parseQuery(query, { scope: code.optional(), date: day });
    const scope = await this.readable(caller, id, q.scope);
    return this.reports.evening(scope.campaign, scope.unit, q.date ?? null);
  }

  /** A campaign's unit the caller may read (as displays do). */
  private async readable(caller: Credentials, id: string, unit: string | undefined): Promise<{ campaign: string; unit: string }> {
    const campaign = parseParam('campaign', id, code);
    const resolved = this.live.resolve(campaign, unit, 'scope');
    await this.auth.authorizeDisplay(caller, resolved.unit, (c, s) => resolved.tree.within(c, s));
    return { campaign, unit: resolved.unit };
  }
}
