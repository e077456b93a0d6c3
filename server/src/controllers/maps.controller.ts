import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { MapImportPreview, MapVersionInfo } from '@tiendo/shared';
import type { Request, Response } from 'express';
import { readUpload } from '../common/upload.js';
import { AuthService } from '../services/auth.service.js';
import { MapsService } from '../services/maps.service.js';

@Controller('api/v1/maps')
export class MapsController {
  constructor(
    private readonly auth: AuthService,
    private readonly maps: MapsService,
  ) {}

  /** The file is the body; options are in the query: level, property, parentProperty, layer, name. */
  @Post('import')
  @HttpCode(200)
  async import(@Req() request: Request, @Query() query: Record<string, string>, @Headers('authorization') authorization?: string): Promise<MapImportPreview> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'admin');
    return this.maps.importFile(await readUpload(request, query.name), query, principal);
  }

  /** The body may carry the admin's decisions: `{"overrides": {"<feature>": "<unit code>" | "excluded"}}`. */
  @Post('import/:importId/confirm')
  @HttpCode(200)
  async confirm(@Param('importId') importId: string, @Body() body: unknown, @Headers('authorization') authorization?: string): Promise<MapVersionInfo> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'admin');
    return this.maps.confirm(importId, body, principal);
  }

  /** Rolls back: an earlier version becomes its level's map again. */
  @Post('versions/:version/activate')
  @HttpCode(200)
  async activate(@Param('version') version: string, @Headers('authorization') authorization?: string): Promise<MapVersionInfo> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'admin');
    return this.maps.activate(version, principal);
  }

  /** What an import or version holds, before it is merged with anything. */
  @Get('import/:importId/topology')
  async importTopology(@Param('importId') importId: string, @Res() response: Response, @Headers('authorization') authorization?: string): Promise<void> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'admin');
    response.type('application/json').send(await this.maps.storedTopology(importId, principal));
  }

  @Get('versions')
  async versions(@Headers('authorization') authorization?: string): Promise<MapVersionInfo[]> {
    const principal = await this.auth.authenticate(authorization);
    this.auth.requireRole(principal, 'admin');
    return this.maps.versions(principal);
  }

  @Get(':unit')
  async map(
    @Param('unit') code: string,
    @Res() response: Response,
    @Query('level') level?: string,
    @Headers('if-none-match') ifNoneMatch?: string,
    @Headers('authorization') authorization?: string,
  ): Promise<void> {
    const scope = await this.maps.scope(code, level);
    await this.auth.authorizeDisplay(AuthService.bearer(authorization), scope.unit.code, scope.tree.within);
    const answer = await this.maps.map(scope.unit.code, scope.level, ifNoneMatch);
    response.status(answer.status).set(answer.headers).end(answer.body ?? undefined);
  }
}
