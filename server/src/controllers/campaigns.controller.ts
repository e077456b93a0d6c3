import { Controller, Get, Headers, Param, Query, Res, UnprocessableEntityException } from '@nestjs/common';
import {
  derive, metricView, type CampaignInfo, type DerivedFigures, type HistoryResponse, type SeriesResponse, type Snapshot,
} from '@tiendo/shared';
import { cleanText, code, depthQuery } from '@tiendo/shared/schemas';
import type { Response } from 'express';
import { z } from 'zod';
import { Caller } from '../common/credentials.js';
import { etagMatches } from '../common/etag.js';
import { parseParam, parseQuery } from '../common/params.js';
import { AuthService, type Credentials } from '../services/auth.service.js';
import { Clock } from '../services/clock.js';
import { HistoryService } from '../services/history.service.js';
import { LiveService } from '../services/live.service.js';

export interface SnapshotWithFigures extends Snapshot {
  /** By unit code, then metric. */
  derived: Record<string, Record<string, DerivedFigures>>;
}

@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly auth: AuthService,
    private readonly live: LiveService,
    private readonly history: HistoryService,
    private readonly clock: Clock,
  ) {}

  /** Every campaign not archived; `readable=true`: those whose whole wall the caller may show (a kiosk turning through campaigns). */
  @Get()
  async list(@Query() query: unknown, @Caller() caller: Credentials): Promise<CampaignInfo[]> {
    const { readable } = parseQuery(query, { readable: z.enum(['true', 'false']).optional() });
    const campaigns = this.live.campaigns();
    if (readable !== 'true') return campaigns;
    const principal = await this.auth.displayer(caller);
    return campaigns.filter((c) => this.auth.mayDisplay(principal, c.rootUnit, (code, scope) => this.live.tree(c.id)!.within(code, scope)));
  }

  @Get(':id/snapshot')
  async snapshot(@Param('id') campaign: string, @Query() query: unknown, @Caller() caller: Credentials): Promise<SnapshotWithFigures> {
    const id = parseParam('campaign', campaign, code);
    const { scope, depth } = parseQuery(query, { scope: code.optional(), depth: depthQuery.optional() });
    const { tree, unit } = this.live.resolve(id, scope, 'scope');
    await this.auth.authorizeDisplay(caller, unit, (c, s) => tree.within(c, s));
    const snapshot = this.live.snapshot(id, unit, depth ?? null)!;
    const now = this.clock.now();
    const derived: SnapshotWithFigures['derived'] = {};
    for (const v of snapshot.values) {
      derived[v.code] = Object.fromEntries(Object.entries(v.metrics).map(([k, m]) => [k, derive(m, metricView(snapshot.campaign, k), now)]));
    }
    return { ...snapshot, derived };
  }

  /**
   * The units a subscription covers, apart from its values: they change rarely, so the answer
   * carries their version as its ETag and a screen that holds them is answered 304. The answer
   * is serialized and gzipped once for every screen that asks.
   */
  @Get(':id/units')
  async units(
    @Param('id') campaign: string,
    @Query() query: unknown,
    @Caller() caller: Credentials,
    @Res() response: Response,
    @Headers('if-none-match') ifNoneMatch?: string,
    @Headers('accept-encoding') acceptEncoding?: string,
  ): Promise<void> {
    const id = parseParam('campaign', campaign, code);
    const { scope, depth = null } = parseQuery(query, { scope: code.optional(), depth: depthQuery.optional() });
    const { tree, unit } = this.live.resolve(id, scope, 'scope');
    await this.auth.authorizeDisplay(caller, unit, (c, s) => tree.within(c, s));
    const catalog = tree.catalog(unit, depth);
    const etag = `"${catalog.version}"`;
    response.setHeader('ETag', etag);
    response.setHeader('Vary', 'Accept-Encoding');
    if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
      response.status(304).end();
      return;
    }
    const body = catalog.body();
    const gzip = /\bgzip\b/.test(acceptEncoding ?? '');
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.type('application/json').end(gzip ? body.gzip : body.json);
  }

  @Get(':id/series')
  async series(@Param('id') campaign: string, @Query() query: unknown, @Caller() caller: Credentials): Promise<SeriesResponse> {
    const id = parseParam('campaign', campaign, code);
    const { unit } = parseQuery(query, { unit: code.optional() });
    const resolved = this.live.resolve(id, unit, 'unit');
    await this.auth.authorizeDisplay(caller, resolved.unit, (c, s) => resolved.tree.within(c, s));
    return this.history.series(id, resolved.unit);
  }

  @Get(':id/history')
  async day(@Param('id') campaign: string, @Query() query: unknown, @Caller() caller: Credentials): Promise<HistoryResponse> {
    const id = parseParam('campaign', campaign, code);
    const { scope, date } = parseQuery(query, { scope: code.optional(), date: cleanText(10).optional() });
    const resolved = this.live.resolve(id, scope, 'scope');
    if (!date) throw new UnprocessableEntityException('date: required (YYYY-MM-DD)');
    await this.auth.authorizeDisplay(caller, resolved.unit, (c, s) => resolved.tree.within(c, s));
    return this.history.history(id, resolved.unit, date);
  }
}
