/**
 * Stored boundary maps: drafts (every feature of a file, with its match report), the active
 * version of each level, the versions it replaced, and the units they are matched to.
 */
import { Injectable } from '@nestjs/common';
import type { MapLevel, MapVersionInfo, MatchReport, UnitInfo } from '@tiendo/shared';
import { Database } from '../database/database.js';
import { BoundaryMap } from '../entities/index.js';

/** Drafts nobody confirmed are dropped after a day. */
const DRAFT_DAYS = 1;
/** Serialises confirmations, so that each level has one active map whatever the timing. */
const CONFIRM_LOCK = 4_271_001;

export type Activation = 'activated' | 'missing' | 'confirmed-before';
export type Reactivation = 'activated' | 'missing' | 'draft';

export interface Draft {
  status: string;
  topology: string;
  report: MatchReport;
}

@Injectable()
export class MapsRepository {
  constructor(private readonly db: Database) {}

  /** Every unit loaded, parents before children. */
  async units(): Promise<UnitInfo[]> {
    const rows = await this.db.em().execute<{ code: string; name: string; full_name: string; type: string; level: UnitInfo['level']; parent_code: string | null }[]>(
      `select code, name, full_name, type, level, parent_code from unit
       order by case level when 'country' then 0 when 'province' then 1 when 'district' then 2 else 3 end, code`,
    );
    return rows.map((r) => ({ code: r.code, name: r.name, fullName: r.full_name, type: r.type, level: r.level, parent: r.parent_code }));
  }

  async saveDraft(map: BoundaryMap): Promise<number> {
    const em = this.db.em();
    await em.execute(`delete from boundary_map where status = 'draft' and created_at < now() - make_interval(days => ?)`, [DRAFT_DAYS]);
    await em.persistAndFlush(map);
    return map.id;
  }

  async draft(id: number): Promise<Draft | null> {
    const [row] = await this.db.em().execute<{ status: string; topology: string; report: MatchReport | string }[]>(
      'select status, topology, report from boundary_map where id = ?',
      [id],
    );
    return row ? { status: row.status, topology: row.topology, report: typeof row.report === 'string' ? JSON.parse(row.report) : row.report } : null;
  }

  /**
   * Makes a draft its level's active map, as the admin resolved it (the units' topology and the
   * final report replace the draft's features); the map it replaces is kept.
   */
  async activate(id: number, resolved: { topology: string; report: MatchReport }): Promise<Activation> {
    return this.db.em().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?)', [CONFIRM_LOCK]);
      const [row] = await em.execute<{ level: MapLevel; status: string }[]>('select level, status from boundary_map where id = ?', [id]);
      if (!row) return 'missing';
      if (row.status !== 'draft') return 'confirmed-before';
      await em.execute(`update boundary_map set status = 'replaced' where level = ? and status = 'active'`, [row.level]);
      await em.execute(
        `update boundary_map set status = 'active', confirmed_at = now(), topology = ?, report = ?, stored_bytes = ? where id = ?`,
        [resolved.topology, JSON.stringify(resolved.report), Buffer.byteLength(resolved.topology), id],
      );
      return 'activated';
    });
  }

  /** Makes a version confirmed before its level's active map again. */
  async reactivate(id: number): Promise<Reactivation> {
    return this.db.em().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?)', [CONFIRM_LOCK]);
      const [row] = await em.execute<{ level: MapLevel; status: string }[]>('select level, status from boundary_map where id = ?', [id]);
      if (!row) return 'missing';
      if (row.status === 'draft') return 'draft';
      await em.execute(`update boundary_map set status = 'replaced' where level = ? and status = 'active' and id <> ?`, [row.level, id]);
      await em.execute(`update boundary_map set status = 'active' where id = ?`, [id]);
      return 'activated';
    });
  }

  async active(): Promise<{ id: number; level: MapLevel }[]> {
    return this.db.em().execute<{ id: number; level: MapLevel }[]>(`select id, level from boundary_map where status = 'active' order by level`);
  }

  async topology(id: number): Promise<string | null> {
    const [row] = await this.db.em().execute<{ topology: string }[]>('select topology from boundary_map where id = ?', [id]);
    return row?.topology ?? null;
  }

  /** Confirmed versions, newest first. */
  async versions(): Promise<MapVersionInfo[]> {
    const rows = await this.db.em().execute<{
      id: number; level: MapLevel; status: string; file_name: string; property: string | null; stored_bytes: number;
      matched: number; missing: number; confirmed_at: Date | string | null;
    }[]>(
      `select id, level, status, file_name, property, stored_bytes, confirmed_at,
         jsonb_array_length(report -> 'matched') as matched, jsonb_array_length(report -> 'missing') as missing
       from boundary_map where status <> 'draft' order by confirmed_at desc, id desc`,
    );
    return rows.map((r) => ({
      version: r.id, level: r.level, fileName: r.file_name, property: r.property, matched: Number(r.matched), missing: Number(r.missing),
      storedBytes: r.stored_bytes, confirmedAt: r.confirmed_at === null ? null : new Date(r.confirmed_at).toISOString(), active: r.status === 'active',
    }));
  }

  async version(id: number): Promise<MapVersionInfo | null> {
    return (await this.versions()).find((v) => v.version === id) ?? null;
  }
}
