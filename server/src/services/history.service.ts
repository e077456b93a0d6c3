/** The campaign as it stood on past days. */
import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import {
  addDays, endOfLocalDay, isIsoDate, localDate, PACE_DAYS,
  type HistoryResponse, type MetricValue, type SeriesResponse, type UnitInfo, type UnitValues,
} from '@tiendo/shared';
import { HistoryRepository } from '../repositories/history.repository.js';
import { Clock } from './clock.js';
import { LiveService } from './live.service.js';

@Injectable()
export class HistoryService {
  constructor(
    private readonly repository: HistoryRepository,
    private readonly live: LiveService,
    private readonly clock: Clock,
  ) {}

  /** Cumulative value at the end of each day, from the start to today. */
  async series(campaign: string, unit: string): Promise<SeriesResponse> {
    const { tree } = this.live.resolve(campaign, unit, 'unit');
    const totals = await this.repository.dailyTotals(campaign, tree.communesOf(unit));
    const today = localDate(this.clock.now(), tree.info.timeZone);
    const metrics: SeriesResponse['metrics'] = {};
    for (const m of tree.info.metrics) {
      const gains = new Map(totals.filter((t) => t.metric === m.key).map((t) => [t.day, t.value]));
      const points: { date: string; value: number }[] = [];
      let value = 0;
      for (let day = tree.info.startDate; day <= today; day = addDays(day, 1)) {
        value += gains.get(day) ?? 0;
        points.push({ date: day, value });
      }
      metrics[m.key] = points;
    }
    return { campaign, unit, metrics };
  }

  /** Every unit of the scope at the end of `date`. */
  async history(campaign: string, scope: string, date: string): Promise<HistoryResponse> {
    const { tree } = this.live.resolve(campaign, scope, 'scope');
    if (!isIsoDate(date)) throw new UnprocessableEntityException(`date: expected YYYY-MM-DD, got "${date}"`);
    if (date < tree.info.startDate) throw new UnprocessableEntityException(`date: ${date} is before the campaign started (${tree.info.startDate})`);
    const dayEnd = endOfLocalDay(date, tree.info.timeZone);
    const [rows, versions] = await Promise.all([
      this.repository.standings(campaign, date, addDays(date, -PACE_DAYS)),
      this.repository.targetsAt(campaign, dayEnd - 1),
    ]);

    // Sum communes upward through the tree; targets as they stood that day, completions from the live state.
    const units = tree.scopeUnits(scope);
    const targets = targetsOn(units, versions);
    const live = new Map(tree.values(units.map((u) => u.code)).map((v) => [v.code, v]));
    const sums = new Map<string, Record<string, MetricValue>>();
    const blank = (code: string) => {
      const metrics: Record<string, MetricValue> = {};
      for (const m of tree.info.metrics) {
        const current = live.get(code)?.metrics[m.key];
        const completedAt = current?.completedAt != null && current.completedAt < dayEnd ? current.completedAt : null;
        metrics[m.key] = { value: 0, target: targets.get(`${m.key}|${code}`) ?? 0, today: 0, last7: 0, completedAt };
      }
      return metrics;
    };
    for (const u of units) sums.set(u.code, blank(u.code));
    for (const r of rows) {
      for (let code: string | null = r.unit; code && sums.has(code); code = tree.unit(code)?.parent ?? null) {
        const cell = sums.get(code)![r.metric];
        if (!cell) break;
        cell.value += r.value;
        cell.today += r.today;
        cell.last7 += r.last7;
        if (code === scope) break;
      }
    }
    const values: UnitValues[] = units.map((u) => ({ code: u.code, metrics: sums.get(u.code)! }));
    return { campaign, scope, date, values };
  }
}

/** Each unit's target from the versions of the day: its own, or its children's sum (bottom-up). */
function targetsOn(units: UnitInfo[], versions: { metric: string; unit: string; target: number }[]): Map<string, number> {
  const own = new Map(versions.map((v) => [`${v.metric}|${v.unit}`, v.target]));
  const sums = new Map<string, number>();
  const metrics = new Set(versions.map((v) => v.metric));
  for (let i = units.length - 1; i >= 0; i--) {
    const u = units[i];
    for (const metric of metrics) {
      const k = `${metric}|${u.code}`;
      const target = own.get(k) ?? sums.get(k) ?? 0;
      sums.set(k, target);
      if (u.parent) sums.set(`${metric}|${u.parent}`, (sums.get(`${metric}|${u.parent}`) ?? 0) + target);
    }
  }
  return sums;
}
