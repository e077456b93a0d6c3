/**
 * Ingestion rules: a batch is checked whole before anything is written (schema, campaign,
 * metric, unit, the key's scope, time, plausibility) and then applied in one transaction, or
 * not at all.
 *
 * Ids belong to the sender's scope: the same id from two communes is two records. Within one
 * scope an id names one record for good: sent again with the same content it is a harmless
 * duplicate, with other content a 409.
 */
import { BadRequestException, ConflictException, ForbiddenException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_PLAUSIBILITY, localDate, type CumulativeReport, type EventBatchResult, type ReportBatchResult } from '@tiendo/shared';
import { describeIssues, eventBatchSchema, reportBatchSchema } from '@tiendo/shared/schemas';
import type { z } from 'zod';
import { actorOf } from '../admin/actor.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { IngestRepository, type NewEvent, type RecordAudit } from '../repositories/ingest.repository.js';
import type { Principal } from './auth.service.js';
import { Clock } from './clock.js';
import type { LiveTree } from './live-tree.js';
import { LiveService } from './live.service.js';

/** Clocks of reporting systems drift; a record from a little ahead of ours is still accepted. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new BadRequestException('body: expected a JSON object (Content-Type: application/json)');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BadRequestException(describeIssues(parsed.error));
  return parsed.data;
}

interface Record {
  campaign: string;
  metric: string;
  unit: string;
  at: string;
}

/** What one record, or one commune's records in a batch, adds or takes. */
interface Amount {
  path: string;
  /** The field the amount comes from: a record's delta, or a report's total. */
  field?: 'delta' | 'total';
  campaign: string;
  metric: string;
  unit: string;
  delta: number;
  confirmed: boolean;
}

@Injectable()
export class IngestService {
  constructor(
    private readonly repository: IngestRepository,
    private readonly live: LiveService,
    private readonly clock: Clock,
    private readonly audit: AuditRepository,
  ) {}

  async ingestEvents(body: unknown, principal: Principal): Promise<EventBatchResult> {
    const { events } = parseBody(eventBatchSchema, body);
    const rows: NewEvent[] = events.map((e, i) => ({
      campaign: e.campaign, sender: principal.scope, origin: 'event', id: e.id, path: `events[${i}]`,
      metric: e.metric, unit: e.unit, delta: e.delta, occurredAt: e.occurredAt,
      day: this.check({ ...e, at: e.occurredAt }, `events[${i}]`, 'occurredAt', principal),
      source: e.source ?? principal.name, reason: e.reason ?? null, keyId: principal.keyId, personId: principal.personId ?? null, confirmed: e.confirmed === true,
    }));
    refuseTwins(rows, (a, b) => a.metric === b.metric && a.unit === b.unit && a.delta === b.delta && Date.parse(a.occurredAt) === Date.parse(b.occurredAt));
    this.checkPlausible([...rows, ...batchTotals(rows)]);
    const { inserted, seq } = await this.repository.appendEvents(rows, rows.some(audited(principal)) ? this.auditOf(principal) : undefined);
    return { accepted: inserted, duplicates: rows.length - inserted, seq };
  }

  /**
   * "The total so far was N at asOf": the difference from the value at that instant becomes an
   * event on that instant, so a late report changes its own day and later days keep their
   * gains. The report's id makes a retry count once, even when the report changed nothing.
   */
  async ingestReports(body: unknown, principal: Principal): Promise<ReportBatchResult> {
    const { reports } = parseBody(reportBatchSchema, body);
    return this.applyReports(reports.map((r, i) => ({ ...r, path: `reports[${i}]` })), principal);
  }

  /**
   * Cumulative reports from any source (the API, an office's sheet), checked and applied as one
   * batch in one transaction. `path` names each in messages; `within` runs in the transaction
   * with the events decided (see IngestRepository.appendDecided).
   */
  async applyReports(
    reports: (CumulativeReport & { path: string })[],
    principal: Principal,
    within?: (em: EntityManager, events: NewEvent[]) => Promise<void>,
  ): Promise<ReportBatchResult> {
    const rows = reports.map((r) => ({
      campaign: r.campaign, sender: principal.scope, id: r.id, path: r.path, metric: r.metric, unit: r.unit,
      total: r.total, asOf: r.asOf, source: r.source ?? principal.name, reason: r.reason ?? null, confirmed: r.confirmed === true,
      day: this.check({ ...r, at: r.asOf }, r.path, 'asOf', principal),
    }));
    const unique = refuseTwins(rows, (a, b) => a.metric === b.metric && a.unit === b.unit && a.total === b.total && Date.parse(a.asOf) === Date.parse(b.asOf));
    let unchanged = 0;
    let duplicates = 0;
    const { inserted, seq } = await this.repository.appendDecided(async (reader) => {
      unchanged = 0;
      duplicates = rows.length - unique.length;
      const known = await reader.recordReports(unique);
      duplicates += known.size;
      // In order of time, so that each report is judged with the earlier ones of the batch applied.
      const fresh = unique.filter((r) => !known.has(IngestRepository.reportKey(r))).sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
      const stored = await reader.valuesAt(fresh.map((r) => ({ ...r, at: r.asOf })));
      const events: NewEvent[] = [];
      fresh.forEach((r, j) => {
        const earlier = events.filter((e) => e.metric === r.metric && e.unit === r.unit && e.campaign === r.campaign && Date.parse(e.occurredAt) <= Date.parse(r.asOf));
        const value = stored[j] + earlier.reduce((sum, e) => sum + e.delta, 0);
        const delta = r.total - value;
        if (delta === 0) {
          unchanged++;
          return;
        }
        if (delta < 0 && !r.reason) {
          throw new UnprocessableEntityException(
            `${r.path}.total: ${r.total} is below the value ${value} of ${r.metric} for unit ${r.unit} as of ${r.asOf}; a lower total is a correction and needs a reason`,
          );
        }
        this.checkPlausible([{ ...r, field: 'total', delta }]);
        events.push({
          campaign: r.campaign, sender: r.sender, origin: 'report', id: r.id, path: r.path, metric: r.metric, unit: r.unit, delta,
          occurredAt: r.asOf, day: r.day, source: r.source, reason: r.reason, keyId: principal.keyId, personId: principal.personId ?? null, confirmed: r.confirmed,
        });
      });
      return events;
    }, within, this.auditOf(principal));
    return { accepted: inserted, unchanged, duplicates, seq };
  }

  /**
   * The audit trail of counts: every correction, whoever sends it, and every record a person
   * enters for a commune other than their own (a chief on a commune's behalf). A system's
   * ordinary records are the event log itself.
   */
  private auditOf(principal: Principal): RecordAudit {
    const actor = actorOf(principal);
    return (em, fresh) => this.audit.record(em, actor, fresh
      .filter(audited(principal))
      .map((e) => ({
        action: e.delta < 0 ? 'count.correct' : 'count.on-behalf', entity: e.origin, entityId: e.id, unit: e.unit, campaign: e.campaign,
        after: { metric: e.metric, delta: e.delta, occurredAt: e.occurredAt, source: e.source, confirmed: e.confirmed }, reason: e.reason,
      })));
  }

  /**
   * The plausibility rule of each metric: an amount beyond a share of the commune's target, or
   * far beyond its best day, is refused unless its sender confirms it (and that is stored with
   * the record). Real over-achievement stays possible: the rule judges one amount, not a total.
   */
  private checkPlausible(amounts: Amount[]): void {
    for (const a of amounts) {
      if (a.confirmed) continue;
      const limit = plausibleLimit(this.live.tree(a.campaign)!, a.metric, a.unit);
      if (limit === null || Math.abs(a.delta) <= limit.amount) continue;
      throw new UnprocessableEntityException(
        `${a.path}.${a.field ?? 'delta'}: ${a.delta > 0 ? '+' : ''}${a.delta} for ${a.metric} of unit ${a.unit} is implausible: ${limit.why} (at most ${limit.amount} at once); ` +
        'check it, and if it is right send it again with "confirmed": true',
      );
    }
  }

/** Checks one record against the catalog, the campaign and the key; returns its local date. */
  private check(record: Record, path: string, timeField: string, principal: Principal): string {
    const tree = this.live.tree(record.campaign);
    if (!tree) throw new UnprocessableEntityException(`${path}.campaign: unknown campaign "${record.campaign}"`);
    if (!tree.info.metrics.some((m) => m.key === record.metric)) {
      throw new UnprocessableEntityException(
        `${path}.metric: campaign "${record.campaign}" has no metric "${record.metric}" (it has ${tree.info.metrics.map((m) => m.key).join(', ')})`,
      );
    }
    const unit = tree.unit(record.unit);
    if (!unit) throw new UnprocessableEntityException(`${path}.unit: "${record.unit}" is not a unit of campaign "${record.campaign}"`);
    if (unit.level !== 'commune') {
      throw new UnprocessableEntityException(`${path}.unit: "${record.unit}" (${unit.fullName}) is a ${unit.level}; counts are recorded per commune`);
    }
    if (!tree.within(record.unit, principal.scope)) {
      throw new ForbiddenException(`${path}.unit: ${principal.personId ? 'you' : 'this key'} may only report for unit ${principal.scope} and below, not for ${record.unit} (${unit.fullName})`);
    }
    const at = Date.parse(record.at);
    if (at > this.clock.now() + FUTURE_TOLERANCE_MS) {
      throw new UnprocessableEntityException(`${path}.${timeField}: ${record.at} is in the future`);
    }
    const day = localDate(at, tree.info.timeZone);
    if (day < tree.info.startDate) {
      throw new UnprocessableEntityException(`${path}.${timeField}: ${record.at} is before the campaign started (${tree.info.startDate})`);
    }
    return day;
  }
}

/** Whether a record goes into the audit trail: a correction, or a person's entry for another unit than their own. */
const audited = (principal: Principal) => (e: NewEvent) => e.delta < 0 || (principal.personId !== undefined && e.unit !== principal.scope);

/** The most a record may move a commune without confirmation, and the reason; null when there is nothing to judge by. */
export function plausibleLimit(tree: LiveTree, metric: string, unit: string): { amount: number; why: string } | null {
  const rule = tree.info.metrics.find((m) => m.key === metric)?.plausibility ?? DEFAULT_PLAUSIBILITY;
  const stats = tree.commune(unit, metric);
  if (!stats) return null;
  const limits: { amount: number; why: string }[] = [];
  if (stats.target > 0) {
    limits.push({ amount: Math.round(rule.shareOfTarget * stats.target), why: `more than ${Math.round(rule.shareOfTarget * 100)}% of its target ${(stats.target)}` });
  }
  if (stats.activeDays >= rule.minDays && stats.bestDay > 0) {
    limits.push({ amount: rule.timesBestDay * stats.bestDay, why: `more than ${rule.timesBestDay} times its best day (${(stats.bestDay)})` });
  }
  if (!limits.length) return null;
  const tightest = limits.reduce((a, b) => (b.amount < a.amount ? b : a));
  return tightest.amount >= rule.floor ? tightest : { amount: rule.floor, why: tightest.why };
}

/**
 * Two records of one batch under one id: the same record twice counts once; two different
 * records are a conflict. Returns the batch without the repeats.
 */
function refuseTwins<T extends { campaign: string; id: string; path: string }>(rows: T[], same: (a: T, b: T) => boolean): T[] {
  const seen = new Map<string, T>();
  for (const row of rows) {
    const k = `${row.campaign}\u0000${row.id}`;
    const first = seen.get(k);
    if (!first) seen.set(k, row);
    else if (!same(first, row)) {
      throw new ConflictException(`${row.path}.id: "${row.id}" is also the id of ${first.path} in this batch, with other content; each record needs its own id`);
    }
  }
  return [...seen.values()];
}

/**
 * A commune's records of one batch, taken together: a thousand small records add up as one
 * large one. A confirmed record among them explains the total.
 */
function batchTotals(rows: NewEvent[]): Amount[] {
  const groups = new Map<string, Amount & { count: number }>();
  for (const r of rows) {
    const k = `${r.campaign}\u0000${r.metric}\u0000${r.unit}\u0000${Math.sign(r.delta)}`;
    const g = groups.get(k);
    if (g) {
      g.delta += r.delta;
      g.count++;
      g.confirmed ||= r.confirmed;
    } else {
      groups.set(k, { path: r.path, campaign: r.campaign, metric: r.metric, unit: r.unit, delta: r.delta, confirmed: r.confirmed, count: 1 });
    }
  }
  return [...groups.values()].filter((g) => g.count > 1);
}
