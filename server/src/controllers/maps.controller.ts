import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { MapImportPreview, MapVersionInfo } from '@tiendo/shared';
import { cleanText, code } from '@tiendo/shared/schemas';
import type { Request, Response } from 'express';
import { Allow, Who } from '../common/access.js';
import { Caller } from '../common/credentials.js';
import { parseId, parseParam, parseQuery } from '../common/params.js';
import { readUpload } from '../common/upload.js';
import { AuthService, type Credentials, type Principal } from '../services/auth.service.js';
import { MapsService } from '../services/maps.service.js';

/** Names of a boundary file, its layers and properties; an empty parentProperty means "none". */
const fileText = cleanText(300, { empty: true }).optional();

@Controller('api/v1/maps')
export class MapsController {
  constructor(
    private readonly auth: AuthService,
    private readonly maps: MapsService,
  ) {}

  /** The file is the body; options are in the query: level, property, parentProperty, layer, name. */
  @Post('import')
  @HttpCode(200)
  @Allow('administer')
  async import(@Req() request: Request, @Query() query: unknown, @Who() who: Principal): Promise<MapImportPreview> {
    const { name } = parseQuery(query, { level: fileText, property: fileText, parentProperty: fileText, layer: fileText, name: fileText });
    // The service checks the options' meaning, and refuses any it does not know.
    return this.maps.importFile(await readUpload(request, name), query, who);
  }

  /** The body may carry the admin's decisions: `{"overrides": {"<feature>": "<unit code>" | "excluded"}}`. */
  @Post('import/:importId/confirm')
  @HttpCode(200)
  @Allow('administer')
  confirm(@Param('importId') importId: string, @Body() body: unknown, @Who() who: Principal): Promise<MapVersionInfo> {
    return this.maps.confirm(String(parseId('importId', importId, 'an import')), body, who);
  }

  /** Rolls back: an earlier version becomes its level's map again. */
  @Post('versions/:version/activate')
  @HttpCode(200)
  @Allow('administer')
  activate(@Param('version') version: string, @Who() who: Principal): Promise<MapVersionInfo> {
    return this.maps.activate(String(parseId('version', version, 'a version')), who);
  }

  /** What an import or version holds, before it is merged with anything. */
  @Get('import/:importId/topology')
  @Allow('administer')
  async importTopology(@Param('importId') importId: string, @Res() response: Response, @Who() who: Principal): Promise<void> {
    const id = parseId('importId', importId, 'an import');
    response.type('application/json').send(await this.maps.storedTopology(String(id), who));
  }

  @Get('versions')
  @Allow('administer')
  versions(@Who() who: Principal): Promise<MapVersionInfo[]> {
    return this.maps.versions(who);
  }

  @Get(':unit')
  async map(
    @Param('unit') unit: string,
    @Query() query: unknown,
    @Res() response: Response,
    @Caller() caller: Credentials,
    @Headers('if-none-match') ifNoneMatch?: string,
  ): Promise<void> {
    const { level } = parseQuery(query, { level: code.optional() });
    const scope = await this.maps.scope(parseParam('unit', unit, code), level);
    await this.auth.authorizeDisplay(caller, scope.unit.code, scope.tree.within);
    const answer = await this.maps.map(scope.unit.code, scope.level, ifNoneMatch);
    // A keyed answer is the key holder's: no shared cache keeps it.
    const headers = caller.authorization === undefined ? answer.headers : { ...answer.headers, 'Cache-Control': 'private, no-store' };
    response.status(answer.status).set(headers).end(answer.body ?? undefined);
  }
}
