/**
 * Loads the unit catalog into the database and sets up the demo campaign with its keys.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import type { UnitInfo } from '@tiendo/shared';
import { catalog, subtree } from '../catalog/catalog.js';
import { Database } from '../database/database.js';
import { Campaign, Commitment, Metric, Milestone, Target, TargetVersion } from '../entities/index.js';
import { KeyRepository } from '../repositories/key.repository.js';
import type { DemoPlan } from '../simulator/demo-plan.js';

const CHUNK = 2000;

export interface DemoKeys {
  ingest: string;
  display: string;
  admin: string;
}

@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    private readonly db: Database,
    private readonly keys: KeyRepository,
  ) {}

  /** Stores the root unit's subtree and its ancestors; repeatable. Returns the subtree. */
  async importCatalog(rootUnit: string): Promise<UnitInfo[]> {
    const units = subtree(rootUnit);
    if (!units) throw new Error(`ROOT_UNIT: ${rootUnit} is not in the unit catalog`);
    const ancestors: UnitInfo[] = [];
    for (let p = units[0].parent; p; p = catalog().get(p)?.parent ?? null) ancestors.unshift(catalog().get(p)!);
    const rows = [...ancestors, ...units];
    await this.db.em().transactional(async (em) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await em.execute(
          `insert into unit (code, name, full_name, type, level, parent_code)
           select code, name, "fullName", type, level, parent from json_to_recordset(?::json)
             as x(code text, name text, "fullName" text, type text, level text, parent text)
           on conflict (code) do update set name = excluded.name, full_name = excluded.full_name, type = excluded.type,
             level = excluded.level, parent_code = excluded.parent_code`,
          [JSON.stringify(rows.slice(i, i + CHUNK))],
        );
      }
    });
    return units;
  }

  async campaignStart(id: string): Promise<string | null> {
    const [row] = await this.db.em().execute<{ start_date: string }[]>(`select to_char(start_date, 'YYYY-MM-DD') as start_date from campaign where id = ?`, [id]);
    return row?.start_date ?? null;
  }

  /** Creates the demo campaign unless it exists. */
  async seedCampaign(id: string, name: string, rootUnit: string, timeZone: string, plan: DemoPlan): Promise<void> {
    const em = this.db.em();
    if (await em.findOne(Campaign, { id })) return;
    await em.transactional(async (tem) => {
      // Flushed first: the other rows refer to it and the entities declare no relations.
      await tem.persistAndFlush(new Campaign(id, name, timeZone, plan.startDate, rootUnit));
      plan.metrics.forEach((m, i) => {
        const metric = new Metric(id, m.key, m.name, i);
        Object.assign(metric, { shortName: m.shortName, startDate: m.startDate > plan.startDate ? m.startDate : null, activationOf: m.activationOf });
        tem.persist(metric);
      });
      for (const ms of plan.milestones) tem.persist(Object.assign(new Milestone(id, ms.name, ms.date, ms.metrics), { document: ms.document }));
      await tem.flush();
      for (const m of plan.metrics) {
        const targets = [...m.targets].map(([unit, target]) => ({ campaignId: id, metric: m.key, unitCode: unit, target }));
        await tem.insertMany(Target, targets);
        await tem.insertMany(TargetVersion, targets.map((t) => ({ ...t, validFrom: new Date(0), reason: 'Chỉ tiêu ban đầu', author: 'Dữ liệu mẫu' })));
      }
      await tem.insertMany(Commitment, plan.commitments.map((c) => ({ campaignId: id, metric: c.metric, unitCode: c.unit, date: c.date, document: c.document })));
    });
    this.logger.log(`Created campaign "${id}" starting ${plan.startDate}.`);
  }

  /** The demo's keys, created once and kept beside the embedded database. */
  async demoKeys(file: string, scope: string): Promise<DemoKeys> {
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoKeys;
      const active = await Promise.all(Object.values(saved).map((token) => this.keys.findActive(token)));
      if (Object.keys(saved).length === 3 && active.every(Boolean)) return saved;
    }
    const keys = {
      ingest: (await this.keys.create('Demo ingest', 'ingest', scope)).token,
      display: (await this.keys.create('Demo display', 'display', scope)).token,
      admin: (await this.keys.create('Demo admin', 'admin', scope)).token,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
    return keys;
  }
}
