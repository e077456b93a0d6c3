/**
 * The audit trail: one row per change, written in the transaction of the change itself, so a
 * change and its record stand or fall together. The database refuses to update or delete a
 * row (see the migration's trigger).
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEntry } from '@tiendo/shared';
import { Database } from '../database/database.js';

export interface Actor {
  kind: 'person' | 'key' | 'system';
  id: number | null;
  name: string;
}

export interface AuditInput {
  action: string;
  entity: string;
  entityId?: string | null;
  unit?: string | null;
  campaign?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditFilter {
  unit?: string;
  /** Units below `unit` too: their codes. */
  units?: string[];
  actor?: string;
  kind?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

interface AuditRow {
  id: string;
  at: string;
  actor_kind: AuditEntry['actor']['kind'];
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity: string;
  entity_id: string | null;
  unit_code: string | null;
  campaign_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Database) {}

  async record(em: EntityManager, actor: Actor, entries: AuditInput[]): Promise<void> {
    if (!entries.length) return;
    await em.execute(
      `insert into audit (actor_kind, actor_id, actor_name, action, entity, entity_id, unit_code, campaign_id, before, after, reason)
       select ?, ?, ?, action, entity, entity_id, unit_code, campaign_id, before, after, reason
       from json_to_recordset(?::json) as x(action text, entity text, entity_id text, unit_code text, campaign_id text, before jsonb, after jsonb, reason text)`,
      [actor.kind, actor.id, actor.name, JSON.stringify(entries.map((e) => ({
        action: e.action, entity: e.entity, entity_id: e.entityId ?? null, unit_code: e.unit ?? null, campaign_id: e.campaign ?? null,
        before: e.before ?? null, after: e.after ?? null, reason: e.reason ?? null,
      })))],
    );
  }

  /** Newest first. */
  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.units) {
      where.push('unit_code in (select json_array_elements_text(?::json))');
      params.push(JSON.stringify(filter.units));
    }
    if (filter.actor) {
      where.push('actor_name ilike ?');
      params.push(`%${filter.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (filter.kind) {
      where.push('(action = ? or action like ?)');
      params.push(filter.kind, `${filter.kind.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`);
    }
    if (filter.from) {
      where.push('at >= ?');
      params.push(filter.from);
    }
    if (filter.to) {
      where.push('at < ?');
      params.push(filter.to);
    }
    if (filter.before) {
      where.push('id < ?');
      params.push(filter.before);
    }
    const rows = await this.db.em().execute<AuditRow[]>(
      `select id, at, actor_kind, actor_id, actor_name, action, entity, entity_id, unit_code, campaign_id, before, after, reason
       from audit ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ?`,
      [...params, filter.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id), at: new Date(r.at).toISOString(),
      actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
      action: r.action, entity: r.entity, entityId: r.entity_id, unit: r.unit_code, campaign: r.campaign_id,
      before: r.before, after: r.after, reason: r.reason,
    }));
  }
}
