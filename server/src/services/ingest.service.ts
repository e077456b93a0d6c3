/**
 * Ingestion rules: a batch is checked whole before anything is written (schema, campaign,
 * metric, unit, the key's scope, time, plausibility) and then applied in one transaction, or
 * not at all.
 *
 * Ids belong to the sender's scope: the same id from two communes is two records. Within one
 * scope an id names one record for good: sent again with the same content it is a harmless
 * duplicate, with other content a 409.
 *
 * An implausible amount is refused (422) unless its sender confirms it, when the sender may:
 * a key (a system checks and resends) or a person who may decide held records. A person who
 * may not (a commune officer) cannot let it through: the record is held, uncounted, for a chief
 * to confirm or reject (see HeldService), and the answer (202) says so, record by record.
 */
import { BadRequestException, ConflictException, ForbiddenException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  DEFAULT_PLAUSIBILITY, localDate, type CumulativeReport, type EventBatchResult, type HeldOutcome, type ReportBatchResult,
} from '@tiendo/shared';
import { describeIssues, eventBatchSchema, reportBatchSchema } from '@tiendo/shared/schemas';
import type { z } from 'zod';
import { actorOf } from '../admin/actor.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { HeldRepository, type NewHeld, type StoredHeld } from '../repositories/held.repository.js';
import { eventKey, IngestRepository, RecordConflictError, type EventId, type NewEvent, type RecordAudit } from '../repositories/ingest.repository.js';
import { CAPABILITIES, type Principal } from './auth.service.js';
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
  /** The paths of the records it sums: the record's own, or those of the batch. */
  rows: string[];
  /** The field the amount comes from: a record's delta, or a report's total. */
  field?: 'delta' | 'total';
  campaign: string;
  metric: string;
  unit: string;
  delta: number;
  confirmed: boolean;
}

/** An amount beyond its limit. */
interface Breach {
  amount: Amount;
  limit: { amount: number; why: string };
  /** "events[1].delta: +99999 for cccd_intake of unit 18586 is implausible: …(at most 1590 at once)". */
  message: string;
}

/** Whose implausible records are held for a chief rather than refused: a person who may not decide them. */
export function holdsImplausible(principal: Principal): boolean {
  return principal.personId !== undefined && !CAPABILITIES[principal.role].includes('review');
}

@Injectable()
export class IngestService {
  constructor(
    private readonly repository: IngestRepository,
    private readonly live: LiveService,
    private readonly clock: Clock,
    private readonly audit: AuditRepository,
    private readonly held: HeldRepository,
  ) {}

  async ingestEvents(body: unknown, principal: Principal): Promise<EventBatchResult> {
    const { events } = parseBody(eventBatchSchema, body);
    const holds = holdsImplausible(principal);
    const rows: NewEvent[] = events.map((e, i) => ({
      campaign: e.campaign, sender: principal.scope, origin: 'event', id: e.id, path: `events[${i}]`,
      metric: e.metric, unit: e.unit, delta: e.delta, occurredAt: e.occurredAt,
      day: this.check({ ...e, at: e.occurredAt }, `events[${i}]`, 'occurredAt', principal),
      source: e.source ?? principal.name, reason: e.reason ?? null, keyId: principal.keyId, personId: principal.personId ?? null,
      confirmed: !holds && e.confirmed === true,
    }));
    const unique = refuseTwins(rows, (a, b) => a.metric === b.metric && a.unit === b.unit && a.delta === b.delta && Date.parse(a.occurredAt) === Date.parse(b.occurredAt));
    // Records implausible alone, then those of the rest that are only together.
    const alone = this.breaches(rows.map((r) => ({ ...r, rows: [r.path] })));
    const breaking = new Set(alone.map((b) => b.amount.path));
    const breaches = [...alone, ...this.breaches(batchTotals(rows.filter((r) => !breaking.has(r.path))))];
    if (!holds) {
      refuse(breaches);
      const { inserted, seq } = await this.repository.appendEvents(rows, rows.some(audited(principal)) ? this.auditOf(principal) : undefined);
      return { accepted: inserted, duplicates: rows.length - inserted, seq };
    }
    const breachOf = new Map<string, Breach>();
    for (const b of breaches) for (const path of b.amount.rows) if (!breachOf.has(path)) breachOf.set(path, b);
    let held: HeldOutcome[] = [];
    const sameEvent = (h: StoredHeld, r: NewEvent) => h.delta === r.delta && Date.parse(h.occurredAt) === Date.parse(r.occurredAt);
    const { inserted, seq } = await this.repository.appendDecided(async (reader, em) => {
      const counted = await reader.countedEvents(unique);
      const kept = await this.alreadyHeld(em, unique.filter((r) => !counted.has(eventKey(r))), sameEvent);
      const fresh = kept.rest.filter((r) => breachOf.has(r.path));
      const now = await this.hold(em, fresh.map((r) => ({ ...r, total: null, personId: principal.personId!, limit: breachOf.get(r.path)!.limit, breach: breachOf.get(r.path)! })), sameEvent);
      held = [...kept.outcomes, ...now];
      return unique.filter((r) => counted.has(eventKey(r)) || (kept.rest.includes(r) && !breachOf.has(r.path)));
    }, undefined, this.auditOf(principal));
    return { accepted: inserted, duplicates: rows.length - inserted - held.length, seq, ...(held.length ? { held: inOrder(held, rows) } : {}) };
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
    const holds = holdsImplausible(principal);
    const rows = reports.map((r) => ({
      campaign: r.campaign, sender: principal.scope, origin: 'report' as const, id: r.id, path: r.path, metric: r.metric, unit: r.unit,
      total: r.total, asOf: r.asOf, source: r.source ?? principal.name, reason: r.reason ?? null, confirmed: !holds && r.confirmed === true,
      day: this.check({ ...r, at: r.asOf }, r.path, 'asOf', principal),
    }));
    const unique = refuseTwins(rows, (a, b) => a.metric === b.metric && a.unit === b.unit && a.total === b.total && Date.parse(a.asOf) === Date.parse(b.asOf));
    let unchanged = 0;
    let duplicates = 0;
    let held: HeldOutcome[] = [];
    const { inserted, seq } = await this.repository.appendDecided(async (reader, em) => {
      // The counters are locked (and read) before the ids are looked up: a twin of a report sent
      // at the same moment by another request is then found known, not judged a second time.
      const values = await reader.valuesAt(unique.map((r) => ({ ...r, at: r.asOf })));
      const valueOf = new Map(unique.map((r, i) => [r, values[i]]));
      const known = await reader.knownReports(unique);
      const kept = holds
        ? await this.alreadyHeld(em, unique.filter((r) => !known.has(IngestRepository.reportKey(r))), (h, r) => h.total === r.total && Date.parse(h.occurredAt) === Date.parse(r.asOf))
        : { outcomes: [], rest: unique.filter((r) => !known.has(IngestRepository.reportKey(r))), settled: 0 };
      unchanged = 0;
      duplicates = rows.length - unique.length + known.size + kept.settled;
      held = kept.outcomes;
      // In order of time, so that each report is judged with the earlier ones of the batch applied.
      const fresh = kept.rest.sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
      const events: NewEvent[] = [];
      const toHold: (NewHeld & { path: string; asOf: string; breach: Breach })[] = [];
      fresh.forEach((r) => {
        const earlier = events.filter((e) => e.metric === r.metric && e.unit === r.unit && e.campaign === r.campaign && Date.parse(e.occurredAt) <= Date.parse(r.asOf));
        const value = valueOf.get(r)! + earlier.reduce((sum, e) => sum + e.delta, 0);
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
        const [breach] = this.breaches([{ ...r, rows: [r.path], field: 'total', delta }]);
        if (breach && holds) {
          toHold.push({ ...r, delta, occurredAt: r.asOf, personId: principal.personId!, limit: breach.limit, breach });
          return;
        }
        refuse(breach ? [breach] : []);
        events.push({
          campaign: r.campaign, sender: r.sender, origin: 'report', id: r.id, path: r.path, metric: r.metric, unit: r.unit, delta,
          occurredAt: r.asOf, day: r.day, source: r.source, reason: r.reason, keyId: principal.keyId, personId: principal.personId ?? null, confirmed: r.confirmed,
        });
      });
      const heldIds = new Set(toHold.map((h) => h.id));
      await reader.recordReports(fresh.filter((r) => !heldIds.has(r.id)));
      held.push(...await this.hold(em, toHold, (h, r) => h.total === r.total && Date.parse(h.occurredAt) === Date.parse(r.asOf)));
      return events;
    }, within, this.auditOf(principal));
    return { accepted: inserted, unchanged, duplicates, seq, ...(held.length ? { held: inOrder(held, rows) } : {}) };
  }

  /**
   * Holds records that broke a limit; one that another request held at the same moment is
   * answered as that one stands (or is a conflict, with other content).
   */
  private async hold<T extends NewHeld & { path: string; breach: Breach }>(em: EntityManager, records: T[], same: (h: StoredHeld, r: T) => boolean): Promise<HeldOutcome[]> {
    const now = await this.held.hold(em, records);
    const meanwhile = await this.alreadyHeld(em, records.filter((r) => !now.has(eventKey(r))), same);
    return [...records.filter((r) => now.has(eventKey(r))).map((r) => heldNow(r.path, r.id, r.breach)), ...meanwhile.outcomes];
  }

  /**
   * Of records not counted yet, those held before are answered as they stand (a retry holds
   * nothing twice), and the same id with other content is a conflict. `rest` are new;
   * `settled` counts those a chief confirmed that left nothing to count (a report equal to the
   * value by then): duplicates, like any record received before.
   */
  private async alreadyHeld<T extends EventId & { path: string; metric: string; unit: string }>(
    em: EntityManager, records: T[], same: (h: StoredHeld, r: T) => boolean,
  ): Promise<{ outcomes: HeldOutcome[]; rest: T[]; settled: number }> {
    const kept = await this.held.find(em, records);
    const out = { outcomes: [] as HeldOutcome[], rest: [] as T[], settled: 0 };
    for (const r of records) {
      const h = kept.get(eventKey(r));
      if (!h) {
        out.rest.push(r);
        continue;
      }
      if (h.metric !== r.metric || h.unit !== r.unit || !same(h, r)) {
        throw new RecordConflictError(
          `${r.path}.id: "${r.id}" is already the id of a record held ${h.receivedAt} (${h.metric}, unit ${h.unit}, ` +
          `${h.total === null ? `delta ${h.delta}` : `total ${h.total}`}, at ${h.occurredAt}); a retry must be identical, and a new record needs a new id`,
        );
      }
      if (h.status === 'confirmed') out.settled++;
      else out.outcomes.push(outcomeOf(h, r.path));
    }
    return out;
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
   * far beyond its best day, is implausible unless its sender confirms it (and that is stored
   * with the record). Real over-achievement stays possible: the rule judges one amount, not a
   * total.
   */
  private breaches(amounts: Amount[]): Breach[] {
    const out: Breach[] = [];
    for (const a of amounts) {
      if (a.confirmed) continue;
      const limit = plausibleLimit(this.live.tree(a.campaign)!, a.metric, a.unit);
      if (limit === null || Math.abs(a.delta) <= limit.amount) continue;
      out.push({
        amount: a, limit,
        message: `${a.path}.${a.field ?? 'delta'}: ${a.delta > 0 ? '+' : ''}${a.delta} for ${a.metric} of unit ${a.unit}` +
          `${a.rows.length > 1 ? ` (${a.rows.length} records of this batch together)` : ''} is implausible: ${limit.why} (at most ${limit.amount} at once)`,
      });
    }
    return out;
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
  const groups = new Map<string, Amount>();
  for (const r of rows) {
    const k = `${r.campaign}\u0000${r.metric}\u0000${r.unit}\u0000${Math.sign(r.delta)}`;
    const g = groups.get(k);
    if (g) {
      g.delta += r.delta;
      g.rows.push(r.path);
      g.confirmed ||= r.confirmed;
    } else {
      groups.set(k, { path: r.path, rows: [r.path], campaign: r.campaign, metric: r.metric, unit: r.unit, delta: r.delta, confirmed: r.confirmed });
    }
  }
  return [...groups.values()].filter((g) => g.rows.length > 1);
}

/** A sender who may confirm is told to check, and send again confirmed. */
function refuse(breaches: Breach[]): void {
  if (breaches.length) throw new UnprocessableEntityException(`${breaches[0].message}; check it, and if it is right send it again with "confirmed": true`);
}

function heldNow(path: string, id: string, breach: Breach): HeldOutcome {
  return { path, id, status: 'held', limit: breach.limit.amount, message: `${breach.message}; held, not counted, until a chief confirms or rejects it` };
}

/** The held records in the order of the request. */
function inOrder(held: HeldOutcome[], rows: { path: string }[]): HeldOutcome[] {
  const at = new Map(rows.map((r, i) => [r.path, i]));
  return [...held].sort((a, b) => at.get(a.path)! - at.get(b.path)!);
}

/** What a retry of a held record is told: still held, or rejected with the chief's reason. */
function outcomeOf(h: StoredHeld, path: string): HeldOutcome {
  if (h.status === 'rejected') {
    return {
      path, id: h.recordId, status: 'rejected', limit: h.limit.amount, reason: h.decision!.reason!,
      message: `${path}: rejected by ${h.decision!.by} at ${h.decision!.at}, not counted: ${h.decision!.reason}`,
    };
  }
  return {
    path, id: h.recordId, status: 'held', limit: h.limit.amount,
    message: `${path}: held since ${h.receivedAt} (${h.limit.why}, at most ${h.limit.amount} at once), not counted until a chief confirms or rejects it`,
  };
}
