import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import type { CampaignInfo, TargetImportPreview, TargetRow, TargetVersion } from '@tiendo/shared';
import { cleanText, code } from '@tiendo/shared/schemas';
import type { Request } from 'express';
import { CampaignsAdminService } from '../admin/campaigns.service.js';
import { Allow, Who } from '../common/access.js';
import { parseParam, parseQuery } from '../common/params.js';
import { readUpload } from '../common/upload.js';
import type { Principal } from '../services/auth.service.js';

const fileName = cleanText(300).optional();

@Controller('api/v1/campaigns')
export class CampaignsAdminController {
  constructor(private readonly campaigns: CampaignsAdminService) {}

  @Post()
  @Allow('administer')
  create(@Who() who: Principal, @Body() body: unknown): Promise<CampaignInfo> {
    return this.campaigns.create(who, body);
  }

  @Patch(':id')
  @Allow('administer')
  update(@Who() who: Principal, @Param('id') id: string, @Body() body: unknown): Promise<CampaignInfo> {
    return this.campaigns.update(who, parseParam('campaign', id, code), body);
  }

  @Get(':id/targets')
  @Allow('administer')
  targets(@Who() who: Principal, @Param('id') id: string, @Query() query: unknown): Promise<TargetRow[]> {
    const { metric } = parseQuery(query, { metric: code });
    return this.campaigns.targets(who, parseParam('campaign', id, code), metric);
  }

  @Put(':id/targets')
  @Allow('administer')
  setTargets(@Who() who: Principal, @Param('id') id: string, @Body() body: unknown): Promise<{ changed: number }> {
    return this.campaigns.setTargets(who, parseParam('campaign', id, code), body);
  }

  @Post(':id/targets/spread')
  @HttpCode(200)
  @Allow('administer')
  spread(@Who() who: Principal, @Param('id') id: string, @Body() body: unknown): Promise<{ changed: number }> {
    return this.campaigns.spread(who, parseParam('campaign', id, code), body);
  }

  @Get(':id/targets/versions')
  @Allow('administer')
  versions(@Who() who: Principal, @Param('id') id: string, @Query() query: unknown): Promise<TargetVersion[]> {
    const { metric, unit } = parseQuery(query, { metric: code.optional(), unit: code.optional() });
    return this.campaigns.versions(who, parseParam('campaign', id, code), metric ?? null, unit ?? null);
  }

  /** The sheet is the body; the metric, the file's name and, if needed, the target column are in the query. */
  @Post(':id/targets/import')
  @HttpCode(200)
  @Allow('administer')
  async importTargets(@Who() who: Principal, @Param('id') id: string, @Query() query: unknown, @Req() request: Request): Promise<TargetImportPreview> {
    const { metric, name, column } = parseQuery(query, { metric: code, name: fileName, column: fileName });
    const upload = await readUpload(request, name);
    return this.campaigns.importTargets(who, parseParam('campaign', id, code), metric, Buffer.from(upload.bytes), upload.fileName, column ?? null);
  }

  @Post(':id/targets/import/:importId/confirm')
  @HttpCode(200)
  @Allow('administer')
  confirmTargets(@Who() who: Principal, @Param('id') id: string, @Param('importId') importId: string, @Body() body: unknown): Promise<{ changed: number }> {
    return this.campaigns.confirmTargets(who, parseParam('campaign', id, code), parseParam('importId', importId, code), body);
  }

  @Put(':id/commitments')
  @Allow('administer')
  setCommitment(@Who() who: Principal, @Param('id') id: string, @Body() body: unknown): Promise<CampaignInfo> {
    return this.campaigns.setCommitment(who, parseParam('campaign', id, code), body);
  }

  @Delete(':id/commitments/:metric/:unit')
  @Allow('administer')
  deleteCommitment(@Who() who: Principal, @Param('id') id: string, @Param('metric') metric: string, @Param('unit') unit: string): Promise<CampaignInfo> {
    return this.campaigns.deleteCommitment(who, parseParam('campaign', id, code), parseParam('metric', metric, code), parseParam('unit', unit, code));
  }
}
