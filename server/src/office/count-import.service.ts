/**
 * The daily sheet of counts in: read and shown (what each commune's figures would change, and
 * what cannot be read), then applied as one batch of cumulative reports, once.
 *
 * The sheet's day is the date its title names (the rows above the headers, or a sheet's name),
 * else the request's `date`; a title and a request that disagree are refused. Its figures stand
 * at the end of that day (23:59:59 local time), or, for today's sheet, at the moment it is read.
 *
 * A total ("Lũy kế") becomes the cumulative report "this total at that instant"; a day's count
 * ("Trong ngày") the report "the value at the start of the day plus the count". When a sheet
 * gives both, the total is applied and the day's count checked against it. A report's id is
 * made of the day, the metric, the commune, the kind and the figure: the same figure imported
 * again, from the same file or another, is a duplicate and applies nothing, and a corrected file
 * applies only the figures it changes. A figure that lowers a value, or revises what an earlier
 * sheet gave for the day, needs a reason; an amount the plausibility rule holds, confirmation.
 */
import { randomBytes } from 'node:crypto';
import { ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import {
  endOfLocalDay, isIsoDate, localDate, startOfLocalDay,
  type CountCell, type CountImportPreview, type CountImportProblem, type CountImportResult, type CountKind, type UnitInfo,
} from '@tiendo/shared';
import { countImportConfirmSchema } from '@tiendo/shared/office-schemas';
import { actorOf } from '../admin/actor.js';
import { readSheets, SheetError } from '../admin/sheet.js';
import { AuditRepository, type AuditInput } from '../repositories/audit.repository.js';
import { IngestRepository, RecordConflictError } from '../repositories/ingest.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import type { Principal } from '../services/auth.service.js';
import { Clock } from '../services/clock.js';
import { holdsImplausible, IngestService, parseBody, plausibleLimit } from '../services/ingest.service.js';
import type { LiveTree } from '../services/live-tree.js';
import { LiveService } from '../services/live.service.js';
import { CountSheetReader, type CountFigure } from './count-sheet.js';
import { OfficeRepository, SHEET_ID_PREFIX } from './office.repository.js';

/** What a confirmation needs of the file read: its figures and the day and instant they stand at. */
interface PendingCounts {
  fileName: string;
  date: string;
  asOf: string;
  figures: { row: string; column: string; header: string; unit: string; by: 'code' | 'name'; metric: string; kind: CountKind; figure: number }[];
}

/** A figure as applied: a cell and the report it makes. */
interface Judged {
  cells: CountCell[];
  warnings: CountImportProblem[];
  ids: Map<CountCell, string>;
}

const SOURCE_CHARS = 100;

@Injectable()
export class CountImportService {
  constructor(
    private readonly live: LiveService,
    private readonly ingest: IngestService,
    private readonly counts: IngestRepository,
    private readonly office: OfficeRepository,
    private readonly units: UnitsRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Reads a sheet and shows what it would change; nothing is applied. */
  async preview(
    principal: Principal, campaign: string, file: Buffer, fileName: string, requestDate: string | null, kind: CountKind | null,
  ): Promise<CountImportPreview> {
    const { tree } = this.live.resolve(campaign, undefined, 'campaign');
    const root = tree.info.rootUnit;
    if (!tree.within(principal.scope, root) && !tree.within(root, principal.scope)) {
      throw new ForbiddenException(`campaign: "${campaign}" runs over unit ${root}, outside your unit ${principal.scope}`);
    }
    let sheets;
    try {
      sheets = await readSheets(file, fileName);
    } catch (error) {
      if (error instanceof SheetError) throw new UnprocessableEntityException(error.message);
      throw error;
    }
    const read = new CountSheetReader(tree.scopeUnits(root), tree.info.metrics, kind).read(sheets);
    if (read.unreadable) throw new UnprocessableEntityException(`file: ${read.unreadable}`);
    const { date, from } = this.sheetDate(tree, read.dates, requestDate);

    const problems = [...read.problems];
    const figures: CountFigure[] = [];
    for (const f of read.figures) {
      if (tree.within(f.unit.code, principal.scope)) figures.push(f);
      else if (!problems.some((p) => p.row === f.row)) {
        problems.push({ row: f.row, message: `row ${f.row}: ${f.unit.fullName} is outside your unit ${principal.scope}; its figures are left out` });
      }
    }
    const now = this.clock.now();
    const pending: PendingCounts = {
      fileName, date, asOf: this.asOf(tree, date, now),
      figures: figures.map((f) => ({ row: f.row, column: f.column, header: f.header, unit: f.unit.code, by: f.by, metric: f.metric, kind: f.kind, figure: f.figure })),
    };
    const judged = await this.judge(tree, principal, pending);
    if (!judged.cells.length && !problems.length) throw new UnprocessableEntityException('file: no row gives a figure for a commune of this campaign');

    const importId = randomBytes(12).toString('base64url');
    await this.units.savePending(importId, 'counts', campaign, pending, actorOf(principal).name);
    const present = new Set(figures.map((f) => f.unit.code));
    const covered = new Set(figures.map((f) => f.unit.parent));
    return {
      importId, fileName, date, dateFrom: from, asOf: pending.asOf,
      columns: read.columns,
      cells: judged.cells,
      problems,
      warnings: [...read.warnings, ...judged.warnings],
      missing: tree.scopeUnits(root)
        .filter((u) => u.level === 'commune' && covered.has(u.parent) && !present.has(u.code) && tree.within(u.code, principal.scope))
        .map((u) => ({ unit: u.code, unitName: u.fullName })),
      summary: tree.info.metrics.map((m) => {
        const cells = judged.cells.filter((c) => c.metric === m.key);
        const changes = cells.filter((c) => c.status === 'change');
        return {
          metric: m.key, changes: changes.length,
          increase: changes.filter((c) => c.delta > 0).reduce((a, c) => a + c.delta, 0),
          decrease: changes.filter((c) => c.delta < 0).reduce((a, c) => a - c.delta, 0),
          unchanged: cells.filter((c) => c.status === 'unchanged').length,
          duplicates: cells.filter((c) => c.status === 'duplicate').length,
        };
      }).filter((s) => s.changes + s.unchanged + s.duplicates > 0),
      needsReason: judged.cells.some(needsReason),
      needsConfirmation: !holdsImplausible(principal) && judged.cells.some((c) => c.status === 'change' && c.implausible !== null),
    };
  }

  /** Applies a sheet read before, as one batch; judged again against the values as they are now. */
  async confirm(principal: Principal, campaign: string, importId: string, body: unknown): Promise<CountImportResult> {
    const { reason, confirmed } = parseBody(countImportConfirmSchema, body);
    const { tree } = this.live.resolve(campaign, undefined, 'campaign');
    const pending = await this.units.peekPending<PendingCounts>(importId, 'counts', campaign);
    if (!pending) throw new NotFoundException(`importId: no pending sheet "${importId}" for campaign "${campaign}" (confirmed already, or never read)`);
    try {
      return await this.apply(tree, principal, campaign, importId, pending, reason ?? null, confirmed === true);
    } catch (error) {
      // Another confirmation of the same figures got in first: judged again, they are its duplicates.
      if (!(error instanceof RecordConflictError)) throw error;
      return this.apply(tree, principal, campaign, importId, pending, reason ?? null, confirmed === true);
    }
  }

  private async apply(
    tree: LiveTree, principal: Principal, campaign: string, importId: string, pending: PendingCounts, reason: string | null, confirmed: boolean,
  ): Promise<CountImportResult> {
    const { cells, ids } = await this.judge(tree, principal, pending);
    const corrections = cells.filter(needsReason);
    if (corrections.length && !reason) {
      throw new UnprocessableEntityException(
        `reason: the sheet lowers or revises ${corrections.length} figure${corrections.length > 1 ? 's' : ''} ` +
        `(${corrections.slice(0, 3).map(describe).join('; ')}${corrections.length > 3 ? '; …' : ''}); a correction needs a reason`,
      );
    }
    const held = cells.filter((c) => c.status === 'change' && c.implausible !== null);
    if (held.length && !confirmed && !holdsImplausible(principal)) {
      throw new UnprocessableEntityException(
        `confirmed: ${held.length} amount${held.length > 1 ? 's are' : ' is'} implausible (${held.slice(0, 3).map((c) => `row ${c.row} ${c.unitName}, ${c.metric}: ${c.implausible}`).join('; ')}` +
        `${held.length > 3 ? '; …' : ''}); check them, and if they are right confirm with "confirmed": true`,
      );
    }
    const duplicates = cells.filter((c) => c.status === 'duplicate').length;
    const fresh = cells.filter((c) => c.status !== 'duplicate');
    const actor = actorOf(principal);
    if (!fresh.length) {
      if (!(await this.units.takePending(importId, 'counts', campaign))) throw new NotFoundException(`importId: "${importId}" was confirmed meanwhile`);
      return { applied: 0, unchanged: 0, duplicates, held: 0, seq: null };
    }
    const byId = new Map(fresh.map((c) => [ids.get(c)!, c]));
    const result = await this.ingest.applyReports(
      fresh.map((c) => ({
        id: ids.get(c)!, campaign, metric: c.metric, unit: c.unit, total: c.total, asOf: pending.asOf,
        source: pending.fileName.slice(0, SOURCE_CHARS), path: `row ${c.row}, column ${c.column}`,
        ...(reason ? { reason } : {}), confirmed,
      })),
      principal,
      async (em, events) => {
        if (!(await this.units.takePending(importId, 'counts', campaign, em))) throw new NotFoundException(`importId: "${importId}" was confirmed meanwhile`);
        await this.audit.record(em, actor, events.map((e): AuditInput => {
          const cell = byId.get(e.id)!;
          return {
            action: 'count.import', entity: 'count', entityId: `${e.metric}:${e.unit}:${pending.date}`, unit: e.unit, campaign,
            before: { value: cell.total - e.delta }, after: { value: cell.total, file: pending.fileName, row: cell.row, column: cell.column }, reason,
          };
        }));
      },
    );
    return { applied: result.accepted, unchanged: result.unchanged, duplicates: duplicates + result.duplicates, held: result.held?.length ?? 0, seq: result.seq };
  }

  /**
   * Each figure against the values held at the sheet's instant: the total it stands for, what
   * it changes, whether this very figure was imported before, whether it revises an earlier
   * sheet of the day, and whether the plausibility rule holds it.
   */
  private async judge(tree: LiveTree, principal: Principal, pending: PendingCounts): Promise<Judged> {
    const campaign = tree.info.id;
    const dayStart = new Date(startOfLocalDay(pending.date, tree.info.timeZone) - 1).toISOString();
    const byCounter = new Map<string, PendingCounts['figures']>();
    for (const f of pending.figures) {
      const key = `${f.metric}|${f.unit}`;
      byCounter.set(key, [...(byCounter.get(key) ?? []), f]);
    }
    const counters = [...byCounter.values()];
    const queries = counters.flatMap((fs) => [
      { campaign, metric: fs[0].metric, unit: fs[0].unit, at: pending.asOf },
      { campaign, metric: fs[0].metric, unit: fs[0].unit, at: dayStart },
    ]);
    const [values, earlier] = await Promise.all([this.counts.readValuesAt(queries), this.office.sheetReports(campaign, pending.date)]);
    const own = new Set(earlier.filter((r) => r.sender === principal.scope).map((r) => r.id));
    const lastSheet = new Map(earlier.map((r) => [`${r.metric}|${r.unit}`, r]));

    const out: Judged = { cells: [], warnings: [], ids: new Map() };
    counters.forEach((fs, i) => {
      const current = values[2 * i];
      const atDayStart = values[2 * i + 1];
      const total = fs.find((f) => f.kind === 'total');
      const used = total ?? fs[0];
      const value = used.kind === 'total' ? used.figure : atDayStart + used.figure;
      const unit = tree.unit(used.unit) as UnitInfo;
      const day = fs.find((f) => f.kind === 'day');
      if (total && day && day.figure !== total.figure - atDayStart) {
        out.warnings.push({
          row: day.row,
          column: `${day.column} "${day.header}"`,
          message: `row ${day.row}, column ${day.column} "${day.header}": the day's count ${day.figure} is not the total ${total.figure} less the ${atDayStart} held at the start of the day (${total.figure - atDayStart}); the total is applied`,
        });
      }
      const id = `${SHEET_ID_PREFIX}${pending.date}:${used.metric}:${used.unit}:${used.kind}:${used.figure}`;
      const before = lastSheet.get(`${used.metric}|${used.unit}`);
      const delta = value - current;
      const limit = plausibleLimit(tree, used.metric, used.unit);
      const cell: CountCell = {
        row: used.row, column: used.column, unit: used.unit, unitName: unit.fullName, by: used.by, metric: used.metric, kind: used.kind,
        figure: used.figure, total: value, current, delta,
        status: own.has(id) ? 'duplicate' : delta === 0 ? 'unchanged' : 'change',
        revises: before && before.id !== id && before.total !== value ? before.total : null,
        implausible: limit && Math.abs(delta) > limit.amount ? `${delta > 0 ? '+' : ''}${delta} is ${limit.why} (at most ${limit.amount} at once)` : null,
      };
      out.cells.push(cell);
      out.ids.set(cell, id);
    });
    return out;
  }

  /** The day of the sheet's figures: its title's, else the request's; never both, disagreeing. */
  private sheetDate(tree: LiveTree, titled: string[], requested: string | null): { date: string; from: 'title' | 'request' } {
    let date: string;
    let from: 'title' | 'request';
    if (requested !== null) {
      if (!isIsoDate(requested)) throw new UnprocessableEntityException(`date: expected YYYY-MM-DD, got "${requested}"`);
      if (titled.length && !titled.includes(requested)) {
        throw new UnprocessableEntityException(`date: the sheet's title says ${titled.join(', ')}, not ${requested}; check which day the figures are for`);
      }
      date = requested;
      from = titled.includes(requested) ? 'title' : 'request';
    } else if (titled.length === 1) {
      date = titled[0];
      from = 'title';
    } else {
      throw new UnprocessableEntityException(titled.length
        ? `date: the sheet's title names several days (${titled.join(', ')}); give the day of its figures (date=YYYY-MM-DD)`
        : 'date: the sheet\'s title names no day ("… ngày 12/5/2023"); give the day of its figures (date=YYYY-MM-DD)');
    }
    const today = localDate(this.clock.now(), tree.info.timeZone);
    if (date > today) throw new UnprocessableEntityException(`date: ${date} is in the future (today is ${today})`);
    if (date < tree.info.startDate) throw new UnprocessableEntityException(`date: ${date} is before the campaign started (${tree.info.startDate})`);
    return { date, from };
  }

  /** The end of the sheet's day; for today's sheet, now: its figures cannot stand at a later instant. */
  private asOf(tree: LiveTree, date: string, now: number): string {
    const end = endOfLocalDay(date, tree.info.timeZone) - 1000;
    return new Date(Math.min(end, Math.floor(now / 1000) * 1000)).toISOString();
  }
}

function needsReason(c: CountCell): boolean {
  return c.status === 'change' && (c.delta < 0 || c.revises !== null);
}

function describe(c: CountCell): string {
  return c.delta < 0
    ? `row ${c.row} ${c.unitName}, ${c.metric}: ${c.current} → ${c.total}`
    : `row ${c.row} ${c.unitName}, ${c.metric}: an earlier sheet gave ${c.revises}, this one ${c.total}`;
}
