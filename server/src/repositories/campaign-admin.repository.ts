/**
 * Writes of the campaign administration. Each use case is one transaction that also writes its
 * audit rows, then announces the change on CONFIG_CHANNEL so every instance reloads its live
 * state (and screens subscribe afresh).
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CampaignCreate, CampaignInfo, TargetVersion } from '@tiendo/shared';
import { Database } from '../database/database.js';
import { AuditRepository, type Actor, type AuditInput } from './audit.repository.js';

export const CONFIG_CHANNEL = 'tiendo_config';

type MetricInput = CampaignCreate['metrics'][number];
type MilestoneInput = CampaignCreate['milestones'][number];

export interface TargetChange {
  unit: string;
  /** null removes an explicit target (the unit's target becomes its children's sum). */
  target: number | null;
}

@Injectable()
export class CampaignAdminRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepository,
  ) {}

  async exists(id: string): Promise<boolean> {
    const [row] = await this.db.em().execute<{ n: string }[]>('select count(*) as n from campaign where id = ?', [id]);
    return Number(row.n) > 0;
  }

  /** Metrics of a campaign that have records: they cannot be removed. */
  async metricsWithRecords(campaign: string): Promise<string[]> {
    const rows = await this.db.em().execute<{ metric: string }[]>('select distinct metric from counter where campaign_id = ?', [campaign]);
    return rows.map((r) => r.metric);
  }

  async create(actor: Actor, c: CampaignCreate): Promise<void> {
    await this.write(actor, async (em) => {
      await em.execute('insert into campaign (id, name, time_zone, start_date, root_unit) values (?, ?, ?, ?, ?)',
        [c.id, c.name, c.timeZone, c.startDate, c.rootUnit]);
      await this.writeMetrics(em, c.id, c.metrics);
      await this.writeMilestones(em, c.id, c.milestones);
      return [{ action: 'campaign.create', entity: 'campaign', entityId: c.id, campaign: c.id, unit: c.rootUnit, after: c }];
    });
  }

  async update(
    actor: Actor,
    before: CampaignInfo,
    patch: { name?: string; timeZone?: string; startDate?: string; status?: CampaignInfo['status']; metrics?: MetricInput[]; milestones?: MilestoneInput[] },
  ): Promise<void> {
    await this.write(actor, async (em) => {
      await em.execute(
        `update campaign set name = coalesce(?, name), time_zone = coalesce(?, time_zone), start_date = coalesce(?::date, start_date),
           status = coalesce(?, status) where id = ?`,
        [patch.name ?? null, patch.timeZone ?? null, patch.startDate ?? null, patch.status ?? null, before.id],
      );
      if (patch.metrics) {
        const keep = patch.metrics.map((m) => m.key);
        await em.execute('delete from metric where campaign_id = ? and key not in (select json_array_elements_text(?::json))', [before.id, JSON.stringify(keep)]);
        await this.writeMetrics(em, before.id, patch.metrics);
      }
      if (patch.milestones) {
        await em.execute('delete from milestone where campaign_id = ?', [before.id]);
        await this.writeMilestones(em, before.id, patch.milestones);
      }
      const action = patch.status && patch.status !== before.status ? `campaign.${patch.status === 'active' ? 'reopen' : patch.status === 'closed' ? 'close' : 'archive'}` : 'campaign.update';
      return [{ action, entity: 'campaign', entityId: before.id, campaign: before.id, unit: before.rootUnit, before, after: patch }];
    });
  }

  private async writeMetrics(em: EntityManager, campaign: string, metrics: MetricInput[]): Promise<void> {
    await em.execute(
      `insert into metric (campaign_id, key, name, position, short_name, start_date, activation_of, plausibility)
       select ?, key, name, position, short_name, start_date, activation_of,
              coalesce(plausibility, '{"shareOfTarget": 0.25, "timesBestDay": 20, "minDays": 7, "floor": 500}'::jsonb)
       from json_to_recordset(?::json) as x(key text, name text, position int, short_name text, start_date date, activation_of text, plausibility jsonb)
       on conflict (campaign_id, key) do update set name = excluded.name, position = excluded.position, short_name = excluded.short_name,
         start_date = excluded.start_date, activation_of = excluded.activation_of, plausibility = excluded.plausibility`,
      [campaign, JSON.stringify(metrics.map((m, i) => ({
        key: m.key, name: m.name, position: i, short_name: m.shortName ?? null, start_date: m.startDate ?? null,
        activation_of: m.activationOf ?? null, plausibility: m.plausibility ?? null,
      })))],
    );
  }

  private async writeMilestones(em: EntityManager, campaign: string, milestones: MilestoneInput[]): Promise<void> {
    if (!milestones.length) return;
    await em.execute(
      `insert into milestone (campaign_id, name, date, metrics, document)
       select ?, name, date, array(select json_array_elements_text(metrics)), document
       from json_to_recordset(?::json) as x(name text, date date, metrics json, document text)`,
      [campaign, JSON.stringify(milestones.map((m) => ({ ...m, document: m.document ?? null })))],
    );
  }

  /** Explicit targets of a metric, by unit. */
  async targets(campaign: string, metric: string, em: EntityManager = this.db.em()): Promise<Map<string, number>> {
    const rows = await em.execute<{ unit_code: string; target: string }[]>(
      'select unit_code, target from target where campaign_id = ? and metric = ?', [campaign, metric]);
    return new Map(rows.map((r) => [r.unit_code, Number(r.target)]));
  }

  /** Sets or removes explicit targets, each kept as a version with its reason. */
  async setTargets(actor: Actor, campaign: string, metric: string, changes: TargetChange[], reason: string, action: string): Promise<number> {
    let changed = 0;
    await this.write(actor, async (em) => {
      const current = await this.targets(campaign, metric, em);
      const real = changes.filter((c) => (current.get(c.unit) ?? null) !== c.target);
      changed = real.length;
      if (!real.length) return [];
      const set = real.filter((c) => c.target !== null);
      const removed = real.filter((c) => c.target === null).map((c) => c.unit);
      if (set.length) {
        await em.execute(
          `insert into target (campaign_id, metric, unit_code, target)
           select ?, ?, unit, target from json_to_recordset(?::json) as x(unit text, target bigint)
           on conflict (campaign_id, metric, unit_code) do update set target = excluded.target`,
          [campaign, metric, JSON.stringify(set)],
        );
      }
      if (removed.length) {
        await em.execute('delete from target where campaign_id = ? and metric = ? and unit_code in (select json_array_elements_text(?::json))', [campaign, metric, JSON.stringify(removed)]);
      }
      await em.execute(
        `insert into target_version (campaign_id, metric, unit_code, target, reason, author)
         select ?, ?, unit, target, ?, ? from json_to_recordset(?::json) as x(unit text, target bigint)`,
        [campaign, metric, reason, actor.name, JSON.stringify(real)],
      );
      return real.map((c) => ({
        action, entity: 'target', entityId: `${metric}:${c.unit}`, campaign, unit: c.unit,
        before: current.has(c.unit) ? { metric, target: current.get(c.unit) } : null,
        after: c.target === null ? null : { metric, target: c.target }, reason,
      }));
    });
    return changed;
  }

  async versions(campaign: string, metric: string | null, unit: string | null): Promise<TargetVersion[]> {
    const rows = await this.db.em().execute<{ unit_code: string; metric: string; target: string | null; valid_from: string; reason: string; author: string }[]>(
      `select unit_code, metric, target, valid_from, reason, author from target_version
       where campaign_id = ? and (?::text is null or metric = ?) and (?::text is null or unit_code = ?)
       order by valid_from desc, id desc limit 500`,
      [campaign, metric, metric, unit, unit],
    );
    return rows.map((r) => ({ unit: r.unit_code, metric: r.metric, target: r.target === null ? null : Number(r.target), validFrom: new Date(r.valid_from).toISOString(), reason: r.reason, author: r.author }));
  }

  async setCommitment(actor: Actor, campaign: string, c: { metric: string; unit: string; date: string; document?: string }): Promise<void> {
    await this.write(actor, async (em) => {
      const [before] = await em.execute<{ date: string; document: string | null }[]>(
        `select to_char(date, 'YYYY-MM-DD') as date, document from commitment where campaign_id = ? and metric = ? and unit_code = ?`, [campaign, c.metric, c.unit]);
      await em.execute(
        `insert into commitment (campaign_id, metric, unit_code, date, document) values (?, ?, ?, ?, ?)
         on conflict (campaign_id, metric, unit_code) do update set date = excluded.date, document = excluded.document`,
        [campaign, c.metric, c.unit, c.date, c.document ?? null],
      );
      return [{ action: 'commitment.set', entity: 'commitment', entityId: `${c.metric}:${c.unit}`, campaign, unit: c.unit, before: before ?? null, after: c }];
    });
  }

  async deleteCommitment(actor: Actor, campaign: string, metric: string, unit: string): Promise<boolean> {
    let found = false;
    await this.write(actor, async (em) => {
      const rows = await em.execute<{ date: string }[]>(
        `delete from commitment where campaign_id = ? and metric = ? and unit_code = ? returning to_char(date, 'YYYY-MM-DD') as date`, [campaign, metric, unit]);
      found = rows.length > 0;
      return found ? [{ action: 'commitment.delete', entity: 'commitment', entityId: `${metric}:${unit}`, campaign, unit, before: rows[0] }] : [];
    });
    return found;
  }

  /** Runs a change and its audit rows in one transaction, then tells every instance. */
  async write(actor: Actor, change: (em: EntityManager) => Promise<AuditInput[]>): Promise<void> {
    await this.db.em().transactional(async (em) => {
      const entries = await change(em);
      await this.audit.record(em, actor, entries);
      if (entries.length) await em.execute(`select pg_notify('${CONFIG_CHANNEL}', '')`);
    });
  }
}
