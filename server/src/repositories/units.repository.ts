/** The unit catalog as stored, and files read and awaiting confirmation. */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UnitInfo } from '@tiendo/shared';
import { Database } from '../database/database.js';

/** A read file is confirmed within this time or forgotten. */
const PENDING_TTL = '1 day';

@Injectable()
export class UnitsRepository {
  constructor(private readonly db: Database) {}

  async find(code: string): Promise<UnitInfo | null> {
    const [row] = await this.db.em().execute<{ code: string; name: string; full_name: string; type: string; level: UnitInfo['level']; parent_code: string | null }[]>(
      'select code, name, full_name, type, level, parent_code from unit where code = ?', [code]);
    return row ? { code: row.code, name: row.name, fullName: row.full_name, type: row.type, level: row.level, parent: row.parent_code } : null;
  }

  async count(): Promise<number> {
    const [row] = await this.db.em().execute<{ n: string }[]>('select count(*) as n from unit');
    return Number(row.n);
  }

  /** Whether `unit` is `scope` or below it; null for an unknown unit. */
  async isWithin(unit: string, scope: string): Promise<boolean | null> {
    const [row] = await this.db.em().execute<{ within: boolean }[]>(
      `with recursive up as (select code, parent_code from unit where code = ?
         union all select u.code, u.parent_code from unit u join up on u.code = up.parent_code)
       select bool_or(code = ?) as within from up having count(*) > 0`,
      [unit, scope],
    );
    return row ? row.within : null;
  }

  async populations(codes: string[]): Promise<Map<string, number>> {
    const rows = await this.db.em().execute<{ code: string; population: number }[]>(
      'select code, population from unit where population is not null and code in (select json_array_elements_text(?::json))', [JSON.stringify(codes)]);
    return new Map(rows.map((r) => [r.code, Number(r.population)]));
  }

  /** Stores units (a catalog file or the shipped catalog), parents first; repeatable. */
  async upsert(units: (UnitInfo & { population?: number | null })[], within?: EntityManager): Promise<void> {
    await (within ?? this.db.em()).transactional(async (em) => {
      for (let i = 0; i < units.length; i += 2000) {
        await em.execute(
          `insert into unit (code, name, full_name, type, level, parent_code, population)
           select code, name, "fullName", type, level, parent, population from json_to_recordset(?::json)
             as x(code text, name text, "fullName" text, type text, level text, parent text, population int)
           on conflict (code) do update set name = excluded.name, full_name = excluded.full_name, type = excluded.type,
             level = excluded.level, parent_code = excluded.parent_code, population = coalesce(excluded.population, unit.population)`,
          [JSON.stringify(units.slice(i, i + 2000).map((u) => ({ ...u, population: u.population ?? null })))],
        );
      }
    });
  }

  async savePending(id: string, kind: 'targets' | 'catalog', campaign: string | null, payload: unknown, author: string): Promise<void> {
    const em = this.db.em();
    await em.execute(`delete from pending_import where created_at < now() - interval '${PENDING_TTL}'`);
    await em.execute('insert into pending_import (id, kind, campaign_id, payload, created_by) values (?, ?, ?, ?, ?)',
      [id, kind, campaign, JSON.stringify(payload), author]);
  }

  /** The payload of a pending import, removed as it is taken: a file is confirmed once. */
  async takePending<T>(id: string, kind: 'targets' | 'catalog', campaign: string | null): Promise<T | null> {
    const [row] = await this.db.em().execute<{ payload: T }[]>(
      `delete from pending_import where id = ? and kind = ? and campaign_id is not distinct from ?
         and created_at >= now() - interval '${PENDING_TTL}' returning payload`,
      [id, kind, campaign],
    );
    return row ? row.payload : null;
  }
}
