/** Reads of the past, from the daily values: the pace chart's series and a day's standings. */
import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

@Injectable()
export class HistoryRepository {
  constructor(private readonly db: Database) {}

  /** Total daily gain of a set of communes, per metric and local date. */
  async dailyTotals(campaign: string, communes: string[]): Promise<{ metric: string; day: string; value: number }[]> {
    const rows = await this.db.em().execute<{ metric: string; day: string; value: string }[]>(
      `select metric, to_char(day, 'YYYY-MM-DD') as day, sum(value) as value from daily_value
       where campaign_id = ? and unit_code in (select value from json_array_elements_text(?::json))
       group by metric, day order by day`,
      [campaign, JSON.stringify(communes)],
    );
    return rows.map((r) => ({ metric: r.metric, day: r.day, value: Number(r.value) }));
  }

  /** Each commune's value at the end of `date`, that day's gain and the 7 days' before it. */
  async standings(campaign: string, date: string, weekStart: string): Promise<{ metric: string; unit: string; value: number; today: number; last7: number }[]> {
    const rows = await this.db.em().execute<{ metric: string; unit_code: string; value: string; today: string | null; last7: string | null }[]>(
      `select metric, unit_code, sum(value) as value,
              sum(value) filter (where day = ?) as today,
              sum(value) filter (where day >= ? and day < ?) as last7
       from daily_value where campaign_id = ? and day <= ? group by metric, unit_code`,
      [date, weekStart, date, campaign, date],
    );
    return rows.map((r) => ({ metric: r.metric, unit: r.unit_code, value: Number(r.value), today: Number(r.today ?? 0), last7: Number(r.last7 ?? 0) }));
  }

  /**
   * Each unit's own target as it stood at an instant: the latest version by then, or, for a
   * target first set later, its first version (a campaign set up late still has its targets
   * on its early days). Units without one take their children's sum.
   */
  async targetsAt(campaign: string, at: number): Promise<{ metric: string; unit: string; target: number }[]> {
    const rows = await this.db.em().execute<{ metric: string; unit_code: string; target: string | null }[]>(
      `select metric, unit_code, target from (
         select distinct on (metric, unit_code) metric, unit_code, target from target_version where campaign_id = ?
         order by metric, unit_code, (valid_from <= ?) desc, case when valid_from <= ? then valid_from end desc nulls last, valid_from, id desc
       ) v where target is not null`,
      [campaign, new Date(at), new Date(at)],
    );
    return rows.map((r) => ({ metric: r.metric, unit: r.unit_code, target: Number(r.target) }));
  }
}
