/**
 * Running campaigns: create, edit, close and archive them; their metrics and the milestones
 * bound to them; targets entered, imported or spread by population, every revision with its
 * reason; units' own commitments. Every change is audited with its author and reaches every
 * open screen at once.
 */
import { randomBytes } from 'node:crypto';
import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { CampaignInfo, TargetImportPreview, TargetRow, TargetVersion, UnitInfo } from '@tiendo/shared';
import {
  campaignCreateSchema, campaignPatchSchema, commitmentSchema, targetImportConfirmSchema, targetSpreadSchema, targetsSchema,
} from '@tiendo/shared/admin-schemas';
import { CampaignAdminRepository, type TargetChange } from '../repositories/campaign-admin.repository.js';
import { LiveRepository } from '../repositories/live.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import type { Principal } from '../services/auth.service.js';
import { parseBody } from '../services/ingest.service.js';
import { LiveService } from '../services/live.service.js';
import { apportion } from '../simulator/plan.js';
import { actorOf } from './actor.js';
import { readSheets, SheetError } from './sheet.js';
import { readTargetSheets } from './target-sheet.js';

@Injectable()
export class CampaignsAdminService {
  constructor(
    private readonly repository: CampaignAdminRepository,
    private readonly units: UnitsRepository,
    private readonly campaigns: LiveRepository,
    private readonly live: LiveService,
  ) {}

  /** Active and closed campaigns; archived ones too when asked. */
  async list(all: boolean): Promise<CampaignInfo[]> {
    return all ? this.campaigns.campaigns(true) : this.live.campaigns();
  }

  async create(principal: Principal, body: unknown): Promise<CampaignInfo> {
    const c = parseBody(campaignCreateSchema, body);
    const root = await this.units.find(c.rootUnit);
    if (!root) throw new UnprocessableEntityException(`rootUnit: "${c.rootUnit}" is not a loaded unit (load the catalog first)`);
    if (root.level === 'commune') throw new UnprocessableEntityException(`rootUnit: ${root.fullName} is a commune; a campaign runs over a province, a district or the country`);
    await this.requireWithin(principal, c.rootUnit, 'rootUnit');
    if (await this.repository.exists(c.id)) throw new ConflictException(`id: a campaign "${c.id}" exists already`);
    await this.repository.create(actorOf(principal), c);
    return this.reloaded(c.id);
  }

  async update(principal: Principal, id: string, body: unknown): Promise<CampaignInfo> {
    const patch = parseBody(campaignPatchSchema, body);
    const before = await this.campaign(principal, id);
    if (patch.metrics) {
      const keys = new Set(patch.metrics.map((m) => m.key));
      const dropped = (await this.repository.metricsWithRecords(id)).filter((k) => !keys.has(k));
      if (dropped.length) throw new ConflictException(`metrics: ${dropped.join(', ')} already has records and cannot be removed; close the campaign instead`);
    }
    const metricKeys = new Set((patch.metrics ?? before.metrics).map((m) => m.key));
    patch.milestones?.forEach((ms, i) => ms.metrics.forEach((k, j) => {
      if (!metricKeys.has(k)) throw new UnprocessableEntityException(`milestones[${i}].metrics[${j}]: "${k}" is not a metric of campaign "${id}"`);
    }));
    await this.repository.update(actorOf(principal), before, patch);
    return this.reloaded(id);
  }

  /** Every unit's target for a metric and where it comes from. */
  async targets(principal: Principal, id: string, metric: string): Promise<TargetRow[]> {
    const campaign = await this.campaign(principal, id);
    this.requireMetric(campaign, metric, 'metric');
    const tree = this.live.tree(id);
    if (!tree) throw new ConflictException(`campaign: "${id}" is archived; reopen it to see its targets`);
    return tree.targets(metric);
  }

  async setTargets(principal: Principal, id: string, body: unknown): Promise<{ changed: number }> {
    const request = parseBody(targetsSchema, body);
    const campaign = await this.campaign(principal, id);
    this.requireMetric(campaign, request.metric, 'metric');
    const tree = this.liveTree(id);
    const seen = new Set<string>();
    request.targets.forEach((t, i) => {
      if (!tree.has(t.unit)) throw new UnprocessableEntityException(`targets[${i}].unit: "${t.unit}" is not a unit of campaign "${id}"`);
      if (!tree.within(t.unit, principal.scope)) throw new ForbiddenException(`targets[${i}].unit: ${t.unit} is outside your unit ${principal.scope}`);
      if (seen.has(t.unit)) throw new UnprocessableEntityException(`targets[${i}].unit: ${t.unit} is given twice`);
      seen.add(t.unit);
    });
    const changed = await this.repository.setTargets(actorOf(principal), id, request.metric, request.targets, request.reason, 'target.set');
    await this.live.reloadEverywhere();
    return { changed };
  }

  /**
   * One total for a unit, spread over its communes in proportion to population (the weights
   * shipped with the catalog; equal shares where a unit has none), with sums exact. The units
   * in between lose their own targets: theirs become the sums.
   */
  async spread(principal: Principal, id: string, body: unknown): Promise<{ changed: number }> {
    const request = parseBody(targetSpreadSchema, body);
    const campaign = await this.campaign(principal, id);
    this.requireMetric(campaign, request.metric, 'metric');
    const unit = request.unit ?? campaign.rootUnit;
    const tree = this.liveTree(id);
    if (!tree.has(unit)) throw new UnprocessableEntityException(`unit: "${unit}" is not a unit of campaign "${id}"`);
    if (!tree.within(unit, principal.scope)) throw new ForbiddenException(`unit: ${unit} is outside your unit ${principal.scope}`);
    const units = tree.scopeUnits(unit);
    const population = await this.units.populations(units.map((u) => u.code));
    const changes: TargetChange[] = [];
    const children = new Map<string, UnitInfo[]>();
    for (const u of units) if (u.parent && u.code !== unit) (children.get(u.parent) ?? children.set(u.parent, []).get(u.parent)!).push(u);
    const weightOf = (u: UnitInfo): number => {
      const own = population.get(u.code);
      if (own !== undefined) return own;
      const kids = children.get(u.code);
      return kids ? kids.reduce((sum, k) => sum + weightOf(k), 0) : NaN;
    };
    const share = (u: UnitInfo, total: number) => {
      const kids = children.get(u.code);
      if (!kids?.length) {
        changes.push({ unit: u.code, target: total });
        return;
      }
      if (u.level !== 'commune') changes.push({ unit: u.code, target: null });
      const known = kids.map(weightOf);
      const fallback = known.filter((w) => w > 0).reduce((a, b) => a + b, 0) / Math.max(1, known.filter((w) => w > 0).length) || 1;
      apportion(total, known.map((w) => (w > 0 ? w : fallback))).forEach((t, i) => share(kids[i], t));
    };
    share(units[0], request.total);
    const changed = await this.repository.setTargets(actorOf(principal), id, request.metric, changes, request.reason, 'target.spread');
    await this.live.reloadEverywhere();
    return { changed };
  }

  async versions(principal: Principal, id: string, metric: string | null, unit: string | null): Promise<TargetVersion[]> {
    await this.campaign(principal, id);
    return this.repository.versions(id, metric, unit);
  }

  /** Reads a sheet of targets and shows what it would set; nothing is applied yet. */
  async importTargets(principal: Principal, id: string, metric: string, file: Buffer, name: string, column: string | null): Promise<TargetImportPreview> {
    const campaign = await this.campaign(principal, id);
    const info = this.requireMetric(campaign, metric, 'metric');
    const tree = this.liveTree(id);
    let sheets;
    try {
      sheets = await readSheets(file, name);
    } catch (error) {
      if (error instanceof SheetError) throw new UnprocessableEntityException(error.message);
      throw error;
    }
    const scoped = tree.scopeUnits(campaign.rootUnit).filter((u) => tree.within(u.code, principal.scope) || u.level !== 'commune');
    const read = readTargetSheets(sheets, scoped, column, [info.name, info.shortName ?? '', info.key].filter(Boolean));
    if (read.unreadable) throw new UnprocessableEntityException(`file: ${read.unreadable}`);
    const current = new Map(tree.targets(metric).map((t) => [t.unit, t]));
    const matchedCodes = new Set(read.rows.map((r) => r.unit.code));
    const preview: Omit<TargetImportPreview, 'importId'> = {
      metric,
      matched: read.rows.map((r) => ({
        row: Number(r.row.split('!').at(-1)), unit: r.unit.code, unitName: r.unit.fullName, target: r.target,
        current: current.get(r.unit.code)?.explicit ? current.get(r.unit.code)!.target : null, by: r.by,
      })),
      problems: read.problems,
      missing: scoped.filter((u) => u.level === 'commune' && !matchedCodes.has(u.code)).map((u) => ({ unit: u.code, unitName: u.fullName })),
      total: read.rows.reduce((a, r) => a + r.target, 0),
    };
    if (!preview.matched.length && !preview.problems.length) {
      throw new UnprocessableEntityException('file: no row names a commune of this campaign');
    }
    const importId = randomBytes(12).toString('base64url');
    await this.units.savePending(importId, 'targets', id, { metric, targets: preview.matched.map((m) => ({ unit: m.unit, target: m.target })) }, actorOf(principal).name);
    return { importId, ...preview };
  }

  async confirmTargets(principal: Principal, id: string, importId: string, body: unknown): Promise<{ changed: number }> {
    const { reason } = parseBody(targetImportConfirmSchema, body);
    await this.campaign(principal, id);
    const pending = await this.units.takePending<{ metric: string; targets: { unit: string; target: number }[] }>(importId, 'targets', id);
    if (!pending) throw new NotFoundException(`importId: no pending import "${importId}" for campaign "${id}" (confirmed already, or never read)`);
    const changed = await this.repository.setTargets(actorOf(principal), id, pending.metric, pending.targets, reason, 'target.import');
    await this.live.reloadEverywhere();
    return { changed };
  }

  async setCommitment(principal: Principal, id: string, body: unknown): Promise<CampaignInfo> {
    const c = parseBody(commitmentSchema, body);
    const campaign = await this.campaign(principal, id);
    this.requireMetric(campaign, c.metric, 'metric');
    const tree = this.liveTree(id);
    if (!tree.has(c.unit)) throw new UnprocessableEntityException(`unit: "${c.unit}" is not a unit of campaign "${id}"`);
    if (!tree.within(c.unit, principal.scope)) throw new ForbiddenException(`unit: ${c.unit} is outside your unit ${principal.scope}`);
    await this.repository.setCommitment(actorOf(principal), id, c);
    return this.reloaded(id);
  }

  async deleteCommitment(principal: Principal, id: string, metric: string, unit: string): Promise<CampaignInfo> {
    await this.campaign(principal, id);
    await this.requireWithin(principal, unit, 'unit');
    if (!(await this.repository.deleteCommitment(actorOf(principal), id, metric, unit))) {
      throw new NotFoundException(`commitment: unit ${unit} has no commitment for ${metric}`);
    }
    return this.reloaded(id);
  }

  /** A campaign the principal administers: its root lies within the principal's scope. */
  private async campaign(principal: Principal, id: string): Promise<CampaignInfo> {
    const campaign = (await this.campaigns.campaigns(true)).find((c) => c.id === id);
    if (!campaign) throw new NotFoundException(`campaign: no campaign "${id}"`);
    await this.requireWithin(principal, campaign.rootUnit, 'campaign');
    return campaign;
  }

  private async requireWithin(principal: Principal, unit: string, field: string): Promise<void> {
    const within = await this.units.isWithin(unit, principal.scope);
    if (within === null) throw new UnprocessableEntityException(`${field}: "${unit}" is not a loaded unit`);
    if (!within) throw new ForbiddenException(`${field}: unit ${unit} is outside your unit ${principal.scope}`);
  }

  private requireMetric(campaign: CampaignInfo, metric: string, field: string) {
    const info = campaign.metrics.find((m) => m.key === metric);
    if (!info) throw new UnprocessableEntityException(`${field}: campaign "${campaign.id}" has no metric "${metric}" (it has ${campaign.metrics.map((m) => m.key).join(', ')})`);
    return info;
  }

  private liveTree(id: string) {
    const tree = this.live.tree(id);
    if (!tree) throw new ConflictException(`campaign: "${id}" is archived; reopen it first`);
    return tree;
  }

  private async reloaded(id: string): Promise<CampaignInfo> {
    await this.live.reloadEverywhere();
    return (await this.campaigns.campaigns(true)).find((c) => c.id === id)!;
  }
}
