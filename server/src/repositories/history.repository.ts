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
}
