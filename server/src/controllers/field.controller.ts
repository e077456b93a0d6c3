import { Controller, Get, Param, Query } from '@nestjs/common';
import { DEFAULT_SILENCE_HOURS, MAX_SILENCE_HOURS, type SilenceReport, type Standing } from '@tiendo/shared';
import { code } from '@tiendo/shared/schemas';
import { z } from 'zod';
import { Allow, Who } from '../common/access.js';
import { parseParam, parseQuery } from '../common/params.js';
import type { Principal } from '../services/auth.service.js';
import { FieldService } from '../services/field.service.js';

/** Hours as a decimal number ("6", "1.5"): a query string holds text. */
const hours = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,6})?$/, 'expected a number of hours such as 6 or 1.5')
  .transform(Number)
  .refine((h) => h > 0 && h <= MAX_SILENCE_HOURS, `must be more than 0 and at most ${MAX_SILENCE_HOURS}`);

@Controller('api/v1/campaigns/:id')
export class FieldController {
  constructor(private readonly field: FieldService) {}

  @Get('standing')
  @Allow('read')
  standing(@Who() who: Principal, @Param('id') campaign: string, @Query() query: unknown): Promise<Standing> {
    const { unit } = parseQuery(query, { unit: code.optional() });
    return this.field.standing(who, parseParam('campaign', campaign, code), unit);
  }

  @Get('silence')
  @Allow('read')
  silence(@Who() who: Principal, @Param('id') campaign: string, @Query() query: unknown): Promise<SilenceReport> {
    const q = parseQuery(query, { scope: code.optional(), hours: hours.optional() });
    return this.field.silence(who, parseParam('campaign', campaign, code), q.scope, q.hours ?? DEFAULT_SILENCE_HOURS);
  }
}
