/**
 * Notes on the timeline: leadership or a chief pins what explains a curve ("Phong tỏa COVID xã
 * Sơn Kim 2, 12–20/5") to a unit of its scope and a date range. A unit's chart shows the notes
 * of the unit, of the units above it (a province-wide event) and of those below it (a commune's
 * lockdown bends its district's curve too). Every note and its removal are audited.
 */
import { ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { NoteInfo } from '@tiendo/shared';
import { noteCreateSchema, noteDeleteSchema } from '@tiendo/shared/office-schemas';
import { actorOf } from '../admin/actor.js';
import type { Principal } from '../services/auth.service.js';
import { parseBody } from '../services/ingest.service.js';
import { LiveService } from '../services/live.service.js';
import { OfficeRepository } from './office.repository.js';

@Injectable()
export class NotesService {
  constructor(
    private readonly live: LiveService,
    private readonly office: OfficeRepository,
  ) {}

  /** The notes a unit's chart shows, those covering `date` only when given. */
  async list(campaign: string, unit: string, date: string | null): Promise<NoteInfo[]> {
    const { tree } = this.live.resolve(campaign, unit, 'unit');
    const above: string[] = [];
    for (let u = tree.unit(unit)?.parent; u && tree.has(u); u = tree.unit(u)?.parent) above.push(u);
    return this.office.notes(campaign, [...above, ...tree.scopeUnits(unit).map((u) => u.code)], date);
  }

  async create(principal: Principal, campaign: string, body: unknown): Promise<NoteInfo> {
    const note = parseBody(noteCreateSchema, body);
    const { tree } = this.live.resolve(campaign, note.unit, 'unit');
    if (!tree.within(note.unit, principal.scope)) throw new ForbiddenException(`unit: ${note.unit} is outside your unit ${principal.scope}`);
    if (note.to < tree.info.startDate) throw new UnprocessableEntityException(`to: ${note.to} is before the campaign started (${tree.info.startDate})`);
    const id = await this.office.addNote(actorOf(principal), campaign, note);
    return (await this.office.note(campaign, id))!;
  }

  async remove(principal: Principal, campaign: string, id: number, body: unknown): Promise<void> {
    const { reason } = parseBody(noteDeleteSchema, body);
    const { tree } = this.live.resolve(campaign, undefined, 'campaign');
    const note = await this.office.note(campaign, id);
    if (!note) throw new NotFoundException(`note: campaign "${campaign}" has no note ${id}`);
    if (!tree.within(note.unit, principal.scope)) throw new ForbiddenException(`note: ${id} is pinned to ${note.unitName}, outside your unit ${principal.scope}`);
    if (!(await this.office.deleteNote(actorOf(principal), note, reason))) throw new NotFoundException(`note: ${id} was taken down meanwhile`);
  }
}
