/** Reading the audit trail: administrators and leadership, within their own unit. */
import { ForbiddenException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { addDays, isIsoDate, type AuditEntry, type AuditPage } from '@tiendo/shared';
import { LiveRepository } from '../repositories/live.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import type { Principal } from '../services/auth.service.js';

export interface AuditQuery {
  unit?: string;
  actor?: string;
  kind?: string;
  from?: string;
  to?: string;
  before?: string;
  limit?: string;
}

const PAGE = 100;
const CSV_LIMIT = 100_000;

@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly units: UnitsRepository,
    private readonly tree: LiveRepository,
  ) {}

  async page(principal: Principal, query: AuditQuery): Promise<AuditPage> {
    const limit = query.limit === undefined ? PAGE : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UnprocessableEntityException('limit: expected an integer from 1 to 1000');
    const entries = await this.audit.list({ ...(await this.filter(principal, query)), limit: limit + 1 });
    return { entries: entries.slice(0, limit), next: entries.length > limit ? entries[limit - 1].id : null };
  }

  /** The same filters as a CSV file for a spreadsheet: UTF-8 with its byte-order mark. */
  async csv(principal: Principal, query: AuditQuery): Promise<string> {
    const entries = await this.audit.list({ ...(await this.filter(principal, query)), limit: CSV_LIMIT });
    const header = ['STT', 'Thời điểm', 'Người thực hiện', 'Loại', 'Hành động', 'Đối tượng', 'Đơn vị', 'Chiến dịch', 'Trước', 'Sau', 'Lý do'];
    const rows = entries.map((e: AuditEntry) => [
      e.id, e.at, e.actor.name, e.actor.kind, e.action, `${e.entity}${e.entityId ? ` ${e.entityId}` : ''}`, e.unit ?? '', e.campaign ?? '',
      e.before == null ? '' : JSON.stringify(e.before), e.after == null ? '' : JSON.stringify(e.after), e.reason ?? '',
    ]);
    return `\ufeff${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
  }

  private async filter(principal: Principal, query: AuditQuery) {
    if (principal.role !== 'admin' && principal.role !== 'leadership') {
      throw new ForbiddenException('Authorization: the audit trail is for administrators and leadership');
    }
    const unit = query.unit?.trim() || principal.scope;
    const within = await this.units.isWithin(unit, principal.scope);
    if (within === null) throw new UnprocessableEntityException(`unit: "${unit.slice(0, 64)}" is not a loaded unit`);
    if (!within) throw new ForbiddenException(`unit: ${unit} is outside your unit ${principal.scope}`);
    for (const field of ['from', 'to'] as const) {
      if (query[field] !== undefined && !isIsoDate(query[field]!)) throw new UnprocessableEntityException(`${field}: expected a date YYYY-MM-DD`);
    }
    const before = query.before === undefined ? undefined : Number(query.before);
    if (before !== undefined && !(Number.isSafeInteger(before) && before > 0)) throw new UnprocessableEntityException('before: expected an entry id');
    return {
      units: (await this.tree.subtree(unit)).map((u) => u.code),
      actor: query.actor?.trim() || undefined,
      kind: query.kind?.trim() || undefined,
      // Dates are the deployment's days, Vietnam's by default.
      from: query.from ? `${query.from}T00:00:00+07:00` : undefined,
      to: query.to ? `${addDays(query.to, 1)}T00:00:00+07:00` : undefined,
      before,
    };
  }
}

/** Quoted when it holds a delimiter, a quote or a line break; a leading formula sign is neutralised. */
function csvField(value: unknown): string {
  let text = String(value);
  if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
