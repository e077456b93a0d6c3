/** Reads that feed the in-memory live state: its initial load and the change log after it. */
import { Injectable } from '@nestjs/common';
import { addDays, startOfLocalDay, type CampaignInfo, type MetricInfo, type UnitInfo } from '@tiendo/shared';
import { Database } from '../database/database.js';
import { Target } from '../entities/index.js';

export interface ChangeRow {
  seq: number;
  campaign: string;
  metric: string;
  unit: string;
  day: string;
  value: number;
  dayValue: number;
  /** The latest and the earliest record of the batch for this commune and day. */
  occurredAt: number;
  firstAt: number;
  /** Whether the batch took something back. */
  negative: boolean;
}

export interface CampaignState {
  info: CampaignInfo;
  units: UnitInfo[];
  targets: { metric: string; unit: string; target: number }[];
  counters: { metric: string; unit: string; value: number; lastAt: number }[];
  /** Daily gains from `sinceDay` on. */
  days: { metric: string; unit: string; day: string; value: number }[];
  /** Each commune's best day and days with records. */
  best: { metric: string; unit: string; bestDay: number; activeDays: number }[];
  completions: { metric: string; unit: string; completedAt: number | null }[];
}

@Injectable()
export class LiveRepository {
  constructor(private readonly db: Database) {}

  /** Where the change log stands, and which log it is. */
  async head(): Promise<{ seq: number; epoch: string }> {
    const [row] = await this.db.em().execute<{ seq: string; epoch: string }[]>('select seq, epoch from log_head where id = 1');
    return { seq: Number(row.seq), epoch: row.epoch };
  }

  /** Dates are read as text: drivers turn a `date` into a Date at local midnight, which shifts it. */
  /** Campaigns with everything screens show of them; archived ones only when asked. */
  async campaigns(includeArchived = false): Promise<CampaignInfo[]> {
    const em = this.db.em();
    const [campaigns, metrics, milestones, commitments] = await Promise.all([
      em.execute<{ id: string; name: string; time_zone: string; start_date: string; root_unit: string; status: CampaignInfo['status'] }[]>(
        `select id, name, time_zone, to_char(start_date, 'YYYY-MM-DD') as start_date, root_unit, status from campaign
         where ? or status <> 'archived' order by created_at, id`, [includeArchived]),
      em.execute<{ campaign_id: string; key: string; name: string; short_name: string | null; start_date: string | null; activation_of: string | null; plausibility: MetricInfo['plausibility'] }[]>(
        `select campaign_id, key, name, short_name, to_char(start_date, 'YYYY-MM-DD') as start_date, activation_of, plausibility
         from metric order by position, key`),
      em.execute<{ campaign_id: string; name: string; date: string; metrics: string[]; document: string | null }[]>(
        `select campaign_id, name, to_char(date, 'YYYY-MM-DD') as date, metrics, document from milestone order by date, id`),
      em.execute<{ campaign_id: string; metric: string; unit_code: string; date: string; document: string | null }[]>(
        `select campaign_id, metric, unit_code, to_char(date, 'YYYY-MM-DD') as date, document from commitment order by date, unit_code`),
    ]);
    return campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      timeZone: c.time_zone,
      startDate: c.start_date,
      rootUnit: c.root_unit,
      status: c.status,
      metrics: metrics.filter((m) => m.campaign_id === c.id).map((m) => ({
        key: m.key, name: m.name, plausibility: m.plausibility,
        ...(m.short_name ? { shortName: m.short_name } : {}),
        ...(m.start_date ? { startDate: m.start_date } : {}),
        ...(m.activation_of ? { activationOf: m.activation_of } : {}),
      })),
      milestones: milestones.filter((m) => m.campaign_id === c.id).map((m) => ({
        name: m.name, date: m.date, metrics: m.metrics, ...(m.document ? { document: m.document } : {}),
      })),
      commitments: commitments.filter((m) => m.campaign_id === c.id).map((m) => ({
        metric: m.metric, unit: m.unit_code, date: m.date, ...(m.document ? { document: m.document } : {}),
      })),
    }));
  }

  /** The units of a subtree as stored, parents before children. */
  async subtree(rootCode: string): Promise<UnitInfo[]> {
    const rows = await this.db.em().execute<{ code: string; name: string; full_name: string; type: string; level: UnitInfo['level']; parent_code: string | null }[]>(
      `with recursive tree as (
         select code, name, full_name, type, level, parent_code, 0 as depth from unit where code = ?
         union all
         select u.code, u.name, u.full_name, u.type, u.level, u.parent_code, t.depth + 1 from unit u join tree t on u.parent_code = t.code
       ) select code, name, full_name, type, level, parent_code from tree order by depth, code`,
      [rootCode],
    );
    return rows.map((r) => ({ code: r.code, name: r.name, fullName: r.full_name, type: r.type, level: r.level, parent: r.parent_code }));
  }

  /**
   * Everything the live state of a campaign starts from, read in one snapshot of the database
   * together with the sequence number it is current to.
   */
  async load(info: CampaignInfo, units: UnitInfo[], sinceDay: string): Promise<{ state: CampaignState; seq: number }> {
    return this.db.em().transactional(
      async (em) => {
        const [head] = await em.execute<{ seq: string }[]>('select seq from log_head where id = 1');
        const targets = await em.find(Target, { campaignId: info.id });
        const counters = await em.execute<{ metric: string; unit_code: string; value: string; last_at: string | null }[]>(
          'select metric, unit_code, value, last_at from counter where campaign_id = ?', [info.id]);
        const days = await em.execute<{ metric: string; unit_code: string; day: string; value: string }[]>(
          `select metric, unit_code, to_char(day, 'YYYY-MM-DD') as day, value from daily_value where campaign_id = ? and day >= ?`,
          [info.id, sinceDay]);
        const best = await em.execute<{ metric: string; unit_code: string; best: string; days: string }[]>(
          `select metric, unit_code, max(value) as best, count(*) as days from daily_value where campaign_id = ? and value > 0
           group by metric, unit_code`, [info.id]);
        const completions = await em.execute<{ metric: string; unit_code: string; completed_at: string | null }[]>(
          'select metric, unit_code, completed_at from completion where campaign_id = ?', [info.id]);
        return {
          seq: Number(head.seq),
          state: {
            info,
            units,
            targets: targets.map((t) => ({ metric: t.metric, unit: t.unitCode, target: t.target })),
            counters: counters.map((c) => ({
              metric: c.metric, unit: c.unit_code, value: Number(c.value), lastAt: c.last_at ? new Date(c.last_at).getTime() : 0,
            })),
            days: days.map((d) => ({ metric: d.metric, unit: d.unit_code, day: d.day, value: Number(d.value) })),
            best: best.map((b) => ({ metric: b.metric, unit: b.unit_code, bestDay: Number(b.best), activeDays: Number(b.days) })),
            completions: completions.map((c) => ({ metric: c.metric, unit: c.unit_code, completedAt: c.completed_at ? new Date(c.completed_at).getTime() : null })),
          },
        };
      },
      { isolationLevel: 'repeatable read' as never },
    );
  }

  /** Change rows after `seq`, in order, at most `limit` sequence numbers' worth. */
  async changesAfter(seq: number, limit: number): Promise<ChangeRow[]> {
    const rows = await this.db.em().execute<{
      seq: string; campaign_id: string; metric: string; unit_code: string; day: string; value: string; day_value: string;
      occurred_at: string; first_at: string | null; negative: boolean;
    }[]>(
      `select seq, campaign_id, metric, unit_code, to_char(day, 'YYYY-MM-DD') as day, value, day_value, occurred_at, first_at, negative
       from change where seq > ? and seq <= (select coalesce(max(seq), 0) from (select seq from change where seq > ? order by seq limit ?) s)
       order by seq`,
      [seq, seq, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq), campaign: r.campaign_id, metric: r.metric, unit: r.unit_code, day: r.day,
      value: Number(r.value), dayValue: Number(r.day_value), occurredAt: new Date(r.occurred_at).getTime(),
      firstAt: new Date(r.first_at ?? r.occurred_at).getTime(), negative: r.negative,
    }));
  }

  async deleteChangesUpTo(seq: number): Promise<void> {
    await this.db.em().execute('delete from change where seq <= ?', [seq]);
  }

  /**
   * Stores completions as decided at `seq`; an instance that lags behind cannot overwrite what
   * one further ahead decided.
   */
  async recordCompletions(rows: { campaign: string; metric: string; unit: string; completedAt: number | null }[], seq: number): Promise<void> {
    await this.db.em().execute(
      `insert into completion (campaign_id, metric, unit_code, completed_at, seq)
       select campaign, metric, unit, to_timestamp(completed_at / 1000.0), ?
       from json_to_recordset(?::json) as x(campaign text, metric text, unit text, completed_at bigint)
       on conflict (campaign_id, metric, unit_code) do update set completed_at = excluded.completed_at, seq = excluded.seq
         where completion.seq <= excluded.seq`,
      [seq, JSON.stringify(rows.map((r) => ({ campaign: r.campaign, metric: r.metric, unit: r.unit, completed_at: r.completedAt })))],
    );
  }

  /**
   * Since when a set of communes, summed, has stood at or above `target` without a break, from
   * the records in time order; null when it does not now. The daily values find the last day
   * that ended below the target; only the records after it are read.
   */
  async completionInstant(campaign: string, timeZone: string, metric: string, communes: string[], target: number): Promise<number | null> {
    const em = this.db.em();
    const units = JSON.stringify(communes);
    const days = await em.execute<{ day: string; gain: string }[]>(
      `select to_char(day, 'YYYY-MM-DD') as day, sum(value) as gain from daily_value
       where campaign_id = ? and metric = ? and unit_code in (select json_array_elements_text(?::json))
       group by day order by day`,
      [campaign, metric, units],
    );
    let value = 0;
    let base = 0;
    let lastBelow: string | null = null;
    for (const d of days) {
      value += Number(d.gain);
      if (value < target) {
        lastBelow = d.day;
        base = value;
      }
    }
    if (value < target) return null;
    const from = lastBelow ? startOfLocalDay(addDays(lastBelow, 1), timeZone) : 0;
    const records = await em.execute<{ occurred_at: string; delta: string }[]>(
      `select occurred_at, sum(delta) as delta from event
       where campaign_id = ? and metric = ? and unit_code in (select json_array_elements_text(?::json)) and occurred_at >= ?
       group by occurred_at order by occurred_at`,
      [campaign, metric, units, new Date(from).toISOString()],
    );
    let running = lastBelow ? base : 0;
    let since: number | null = null;
    for (const r of records) {
      running += Number(r.delta);
      if (running < target) since = null;
      else since ??= new Date(r.occurred_at).getTime();
    }
    return since;
  }
}
