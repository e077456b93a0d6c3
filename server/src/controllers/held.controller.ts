import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { HeldList, HeldRecord } from '@tiendo/shared';
import { code } from '@tiendo/shared/schemas';
import { Allow, Who } from '../common/access.js';
import { parseId, parseParam, parseQuery } from '../common/params.js';
import type { Principal } from '../services/auth.service.js';
import { HeldService } from '../services/held.service.js';

/** Records held by the plausibility rule, for those who decide them: leadership, chiefs, administrators. */
@Controller('api/v1/campaigns/:id/held')
export class HeldController {
  constructor(private readonly held: HeldService) {}

  @Get()
  @Allow('review')
  list(@Who() who: Principal, @Param('id') campaign: string, @Query() query: unknown): Promise<HeldList> {
    const { scope } = parseQuery(query, { scope: code.optional() });
    return this.held.list(who, parseParam('campaign', campaign, code), scope);
  }

  @Post(':held/confirm')
  @HttpCode(200)
  @Allow('review')
  confirm(@Who() who: Principal, @Param('id') campaign: string, @Param('held') held: string, @Body() body: unknown): Promise<HeldRecord> {
    return this.held.confirm(who, parseParam('campaign', campaign, code), parseId('held', held, 'a held record\'s number'), body);
  }

  /** The body says why: {"reason": "…"}; the officer reads it. */
  @Post(':held/reject')
  @HttpCode(200)
  @Allow('review')
  reject(@Who() who: Principal, @Param('id') campaign: string, @Param('held') held: string, @Body() body: unknown): Promise<HeldRecord> {
    return this.held.reject(who, parseParam('campaign', campaign, code), parseId('held', held, 'a held record\'s number'), body);
  }
}
