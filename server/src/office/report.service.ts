/**
 * What the office prints: the progress table of any scope on any day (live for today, from
 * history for a past day) and the evening report ("Báo cáo nhanh") of a scope and a day.
 */
import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import {
  daysBetween, endOfLocalDay, isComplete, isIsoDate, localDate, milestonesOf,
  type EveningReport, type MilestoneCountdown, type ProgressTable, type UnitInfo, type UnitValues,
} from '@tiendo/shared';
import { Clock } from '../services/clock.js';
import { HistoryService } from '../services/history.service.js';
import type { LiveTree } from '../services/live-tree.js';
import { LiveService } from '../services/live.service.js';
import { tableCsv, tablesWorkbook } from './exports.js';
import { NotesService } from './notes.service.js';
import { OfficeRepository } from './office.repository.js';
import { progressTable } from './progress-table.js';

interface Standing {
  tree: LiveTree;
  scope: UnitInfo;
  date: string;
  live: boolean;
  /** The instant the values stand at. */
  now: number;
  values: Map<string, UnitValues>;
}

export interface TableFile {
  body: Buffer | string;
  type: string;
  name: string;
}

@Injectable()
export class ReportService {
  constructor(
    private readonly live: LiveService,
    private readonly history: HistoryService,
    private readonly office: OfficeRepository,
    private readonly notes: NotesService,
    private readonly clock: Clock,
  ) {}

  /** The progress table of each metric (or the one asked for). */
  async tables(campaign: string, scope: string, date: string | null, metric: string | null): Promise<ProgressTable[]> {
    const s = await this.standing(campaign, scope, date);
    const metrics = metric ? [this.metric(s.tree, metric)] : s.tree.info.metrics.map((m) => m.key);
    return metrics.map((m) => this.table(s, m));
  }

  /** The tables as a file: an XLSX of every metric asked, or the CSV of one. */
  async tableFile(campaign: string, scope: string, date: string | null, metric: string | null, format: 'xlsx' | 'csv'): Promise<TableFile> {
    const s = await this.standing(campaign, scope, date);
    const info = s.tree.info;
    const name = `tien-do-${scope}-${s.date}`;
    if (format === 'csv') {
      const key = metric ? this.metric(s.tree, metric) : info.metrics[0].key;
      return { body: tableCsv(this.table(s, key)), type: 'text/csv; charset=utf-8', name: `${name}-${key}.csv` };
    }
    const keys = metric ? [this.metric(s.tree, metric)] : info.metrics.map((m) => m.key);
    const body = await tablesWorkbook(keys.map((k) => this.table(s, k)), info.timeZone, new Map(info.metrics.map((m) => [m.key, m.shortName ?? m.name])));
    return { body, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', name: `${name}.xlsx` };
  }

  async evening(campaign: string, scope: string, date: string | null): Promise<EveningReport> {
    const s = await this.standing(campaign, scope, date);
    const { tree } = s;
    const info = tree.info;
    const communes = tree.communesOf(s.scope.code);
    const [reported, corrections, notes] = await Promise.all([
      this.office.reportedOn(campaign, s.date, info.timeZone, communes),
      this.office.corrections(campaign, s.date, communes),
      this.notes.list(campaign, s.scope.code, s.date),
    ]);
    const doneEverywhere = (code: string) => info.metrics.every((m) => {
      const v = s.values.get(code)?.metrics[m.key];
      return !v || !(v.target > 0) || isComplete(v.value, v.target);
    });
    const silent = communes.filter((c) => !reported.has(c));
    const children = tree.scopeUnits(s.scope.code).filter((u) => u.parent === s.scope.code);
    const tables = info.metrics.map((m) => ({ key: m.key, name: m.name, shortName: m.shortName ?? m.name, table: this.table(s, m.key) }));
    return {
      campaign: { id: info.id, name: info.name, timeZone: info.timeZone },
      scope: { code: s.scope.code, name: s.scope.fullName, level: s.scope.level },
      date: s.date,
      live: s.live,
      asOf: new Date(s.now).toISOString(),
      childLevel: children[0]?.level ?? null,
      metrics: tables,
      milestones: this.countdowns(s, tables.map((t) => t.table)),
      silent: silent.filter((c) => !doneEverywhere(c)).map((c) => {
        const unit = tree.unit(c)!;
        return { unit: c, unitName: unit.fullName, parentName: unit.parent && unit.parent !== s.scope.code ? tree.unit(unit.parent)?.fullName ?? null : null };
      }),
      silentDone: silent.filter(doneEverywhere).length,
      communes: communes.length,
      corrections: corrections.map((c) => ({ ...c, unitName: tree.unit(c.unit)?.fullName ?? c.unit })),
      notes,
    };
  }

  /** Each milestone of the campaign, days left from the report's day, and what the scope needs for each metric it binds. */
  private countdowns(s: Standing, tables: ProgressTable[]): MilestoneCountdown[] {
    const info = s.tree.info;
    const milestones = [...info.milestones].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return milestones.map((m) => ({
      name: m.name,
      date: m.date,
      ...(m.document ? { document: m.document } : {}),
      daysLeft: daysBetween(s.date, m.date),
      metrics: m.metrics.flatMap((key) => {
        const table = tables.find((t) => t.metric.key === key);
        if (!table) return [];
        const i = milestonesOf(info, key).findIndex((x) => x.name === m.name && x.date === m.date);
        const total = table.total;
        const finish = total.finishedOn ?? total.projectedFinish;
        return [{
          metric: key, required: total.needs[i] ?? null,
          daysAhead: finish ? daysBetween(finish, m.date) : null,
          done: total.finishedOn !== null,
        }];
      }),
    }));
  }

  private table(s: Standing, metric: string): ProgressTable {
    const children = s.tree.scopeUnits(s.scope.code).filter((u) => u.parent === s.scope.code);
    return progressTable({
      campaign: s.tree.info, scope: s.scope, children, values: s.values, metric, date: s.date, live: s.live, now: s.now,
    });
  }

  private metric(tree: LiveTree, metric: string): string {
    if (!tree.info.metrics.some((m) => m.key === metric)) {
      throw new UnprocessableEntityException(`metric: campaign "${tree.info.id}" has no metric "${metric}" (it has ${tree.info.metrics.map((m) => m.key).join(', ')})`);
    }
    return metric;
  }

  /** The scope's values on a day: today's live, a past day's from history at its end. */
  private async standing(campaign: string, scope: string, date: string | null): Promise<Standing> {
    const { tree, unit } = this.live.resolve(campaign, scope, 'scope');
    const tz = tree.info.timeZone;
    const now = this.clock.now();
    const today = localDate(now, tz);
    const day = date ?? today;
    if (!isIsoDate(day)) throw new UnprocessableEntityException(`date: expected YYYY-MM-DD, got "${day}"`);
    if (day > today) throw new UnprocessableEntityException(`date: ${day} is in the future (today is ${today})`);
    if (day < tree.info.startDate) throw new UnprocessableEntityException(`date: ${day} is before the campaign started (${tree.info.startDate})`);
    const scopeUnit = tree.unit(unit)!;
    if (day === today) {
      const values = tree.values(tree.scopeUnits(unit).map((u) => u.code));
      return { tree, scope: scopeUnit, date: day, live: true, now, values: new Map(values.map((v) => [v.code, v])) };
    }
    const past = await this.history.history(campaign, unit, day);
    return { tree, scope: scopeUnit, date: day, live: false, now: endOfLocalDay(day, tz) - 1, values: new Map(past.values.map((v) => [v.code, v])) };
  }
}
