/**
 * Ingestion rules: a batch is checked whole before anything is written (schema, campaign,
 * metric, unit, the key's scope, time) and then applied in one transaction, or not at all.
 */
import { BadRequestException, ForbiddenException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { localDate, type EventBatchResult, type ReportBatchResult } from '@tiendo/shared';
import { describeIssues, eventBatchSchema, reportBatchSchema } from '@tiendo/shared/schemas';
import type { z } from 'zod';
import { IngestRepository, type NewEvent, type NewReport } from '../repositories/ingest.repository.js';
import type { Principal } from './auth.service.js';
import { Clock } from './clock.js';
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

@Injectable()
export class IngestService {
  constructor(
    private readonly repository: IngestRepository,
    private readonly live: LiveService,
    private readonly clock: Clock,
  ) {}

  async ingestEvents(body: unknown, principal: Principal): Promise<EventBatchResult> {
    const { events } = parseBody(eventBatchSchema, body);
    const rows: NewEvent[] = events.map((e, i) => ({
      campaign: e.campaign, id: e.id, metric: e.metric, unit: e.unit, delta: e.delta,
      occurredAt: e.occurredAt, day: this.check({ ...e, at: e.occurredAt }, `events[${i}]`, 'occurredAt', principal),
      source: e.source ?? principal.name, reason: e.reason ?? null, keyId: principal.keyId,
    }));
    const { inserted, seq } = await this.repository.appendEvents(rows);
    return { accepted: inserted, duplicates: rows.length - inserted, seq };
  }

  /**
   * "The total so far is N": the difference from the current value becomes an event. The
   * report's id makes a retry count once, even when the report changed nothing.
   */
  async ingestReports(body: unknown, principal: Principal): Promise<ReportBatchResult> {
    const { reports } = parseBody(reportBatchSchema, body);
    const days = reports.map((r, i) => this.check({ ...r, at: r.asOf }, `reports[${i}]`, 'asOf', principal));
    let unchanged = 0;
    let duplicates = 0;
    const { inserted, seq } = await this.repository.appendDecided(async (reader) => {
      unchanged = 0;
      duplicates = 0;
      const unique = new Map<string, number>();
      reports.forEach((r, i) => unique.has(IngestRepository.reportKey(r)) ? duplicates++ : unique.set(IngestRepository.reportKey(r), i));
      const fresh = [...unique.values()];
      const rows: NewReport[] = fresh.map((i) => {
        const r = reports[i];
        return { campaign: r.campaign, id: r.id, metric: r.metric, unit: r.unit, total: r.total, asOf: r.asOf, source: r.source ?? principal.name };
      });
      const known = await reader.recordReports(rows);
      duplicates += known.size;
      const current = await reader.values(rows);
      const events: NewEvent[] = [];
      for (const i of fresh) {
        const r = reports[i];
        if (known.has(IngestRepository.reportKey(r))) continue;
        const counterKey = IngestRepository.counterKey(r);
        const value = current.get(counterKey) ?? 0;
        const delta = r.total - value;
        if (delta === 0) {
          unchanged++;
          continue;
        }
        if (delta < 0 && !r.reason) {
          throw new UnprocessableEntityException(
            `reports[${i}].total: ${r.total} is below the current value ${value} of ${r.metric} for unit ${r.unit}; a lower total is a correction and needs a reason`,
          );
        }
        events.push({
          campaign: r.campaign, id: `report:${r.id}`, metric: r.metric, unit: r.unit, delta,
          occurredAt: r.asOf, day: days[i], source: r.source ?? principal.name, reason: r.reason ?? null, keyId: principal.keyId,
        });
        current.set(counterKey, r.total);
      }
      return events;
    });
    return { accepted: inserted, unchanged, duplicates, seq };
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
      throw new ForbiddenException(`${path}.unit: this key may only report for unit ${principal.scope} and below, not for ${record.unit} (${unit.fullName})`);
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
