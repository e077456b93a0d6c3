import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import type { AuditPage } from '@tiendo/shared';
import { cleanText, code } from '@tiendo/shared/schemas';
import type { Response } from 'express';
import { AuditService } from '../admin/audit.service.js';
import { Allow, Who } from '../common/access.js';
import { parseQuery } from '../common/params.js';
import type { Principal } from '../services/auth.service.js';

const short = cleanText(100).optional();

@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** JSON pages, or with format=csv the whole filtered trail as a file. */
  @Get()
  @Allow('audit')
  async list(@Who() who: Principal, @Query() query: unknown, @Res({ passthrough: true }) response: Response): Promise<AuditPage | string> {
    const q = parseQuery(query, {
      unit: code.optional(), actor: short, kind: short, from: short, to: short, before: short, limit: short, format: short,
    });
    if (q.format === undefined || q.format === 'json') return this.audit.page(who, q);
    if (q.format !== 'csv') throw new BadRequestException('format: expected json or csv');
    response.type('text/csv; charset=utf-8').attachment('nhat-ky-thay-doi.csv');
    return this.audit.csv(who, q);
  }
}
