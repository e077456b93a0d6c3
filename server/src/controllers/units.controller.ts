import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { CatalogImportPreview, UnitInfo } from '@tiendo/shared';
import { cleanText, code } from '@tiendo/shared/schemas';
import type { Request } from 'express';
import { CatalogService } from '../admin/catalog.service.js';
import { Allow, Who } from '../common/access.js';
import { parseParam, parseQuery } from '../common/params.js';
import { readUpload } from '../common/upload.js';
import type { Principal } from '../services/auth.service.js';

@Controller('api/v1/units')
export class UnitsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Allow('read')
  list(@Who() who: Principal, @Query() query: unknown): Promise<UnitInfo[]> {
    const { root } = parseQuery(query, { root: code.optional() });
    return this.catalog.list(who, root);
  }

  @Post('import')
  @HttpCode(200)
  @Allow('administer')
  async import(@Who() who: Principal, @Query() query: unknown, @Req() request: Request): Promise<CatalogImportPreview> {
    const { name } = parseQuery(query, { name: cleanText(300).optional() });
    const upload = await readUpload(request, name);
    return this.catalog.read(who, Buffer.from(upload.bytes), upload.fileName);
  }

  @Post('import/:importId/confirm')
  @HttpCode(200)
  @Allow('administer')
  confirm(@Who() who: Principal, @Param('importId') importId: string): Promise<{ units: number }> {
    return this.catalog.confirm(who, parseParam('importId', importId, code));
  }
}
