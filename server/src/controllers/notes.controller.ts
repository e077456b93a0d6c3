import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { NoteInfo } from '@tiendo/shared';
import { cleanText, code } from '@tiendo/shared/schemas';
import { Allow, Who } from '../common/access.js';
import { Caller } from '../common/credentials.js';
import { parseId, parseParam, parseQuery } from '../common/params.js';
import { NotesService } from '../office/notes.service.js';
import { AuthService, type Credentials, type Principal } from '../services/auth.service.js';
import { LiveService } from '../services/live.service.js';

@Controller('api/v1/campaigns')
export class NotesController {
  constructor(
    private readonly notes: NotesService,
    private readonly auth: AuthService,
    private readonly live: LiveService,
  ) {}

  /** The notes a unit's pace chart shows (its own, those above it and below it), those of one day when `date` is given. */
  @Get(':id/notes')
  async list(@Param('id') id: string, @Query() query: unknown, @Caller() caller: Credentials): Promise<NoteInfo[]> {
    const campaign = parseParam('campaign', id, code);
    const q = parseQuery(query, { unit: code.optional(), date: cleanText(10).optional() });
    const { tree, unit } = this.live.resolve(campaign, q.unit, 'unit');
    await this.auth.authorizeDisplay(caller, unit, (c, s) => tree.within(c, s));
    return this.notes.list(campaign, unit, q.date ?? null);
  }

  @Post(':id/notes')
  @Allow('annotate')
  create(@Who() who: Principal, @Param('id') id: string, @Body() body: unknown): Promise<NoteInfo> {
    return this.notes.create(who, parseParam('campaign', id, code), body);
  }

  /** The body says why: {"reason": "…"}. */
  @Delete(':id/notes/:note')
  @HttpCode(204)
  @Allow('annotate')
  remove(@Who() who: Principal, @Param('id') id: string, @Param('note') note: string, @Body() body: unknown): Promise<void> {
    return this.notes.remove(who, parseParam('campaign', id, code), parseId('note', note, 'a note id'), body);
  }
}
