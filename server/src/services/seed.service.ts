/**
 * Loads the unit catalog into the database and sets up the demo campaign with its keys.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { hash } from '@node-rs/argon2';
import type { UnitInfo } from '@tiendo/shared';
import { catalog, subtree } from '../catalog/catalog.js';
import { Database } from '../database/database.js';
import { Campaign, Commitment, Metric, Milestone, Person, Target, TargetVersion } from '../entities/index.js';
import { ConfigError } from '../config/env.js';
import { KeyRepository } from '../repositories/key.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import { REFERENCE } from '../simulator/reference.js';
import type { DemoPlan } from '../simulator/demo-plan.js';

/** The demo's people, by role: login and password (for the demo only). */
export type DemoPeople = Record<'admin' | 'leadership' | 'chief' | 'officer', { login: string; password: string; scope: string }>;

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
    private readonly units: UnitsRepository,
  ) {}

  /**
   * Stores the root unit's subtree of the shipped catalog and its ancestors; repeatable. The
   * census populations known for its units go with them, as weights for spreading targets.
   * Returns the subtree.
   */
  async importCatalog(rootUnit: string): Promise<UnitInfo[]> {
    const units = subtree(rootUnit);
    if (!units) throw new ConfigError(`ROOT_UNIT: ${rootUnit} is neither loaded nor in the shipped unit catalog; load your catalog with init --catalog <file>`);
    const ancestors: UnitInfo[] = [];
    for (let p = units[0].parent; p; p = catalog().get(p)?.parent ?? null) ancestors.unshift(catalog().get(p)!);
    await this.units.upsert([...ancestors, ...units].map((u) => ({ ...u, population: REFERENCE.districtPopulation[u.code] ?? null })));
    return units;
  }

  /**
   * Loads the shipped catalog for the root unit unless it is loaded already: a deployment that
   * imported its own catalog (two levels, since July 2025) keeps it.
   */
  async ensureCatalog(rootUnit: string): Promise<void> {
    if (!(await this.units.find(rootUnit))) await this.importCatalog(rootUnit);
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

  /**
   * The demo's people, one of each role, created once with passwords kept beside the embedded
   * database (the way the demo keys are): an administrator and leadership of the province, the
   * chief of Thạch Hà and the officer of Thạch Kênh.
   */
  async demoPeople(file: string, province: string): Promise<DemoPeople> {
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoPeople;
      const found = await Promise.all(Object.values(saved).map((p) => this.db.em().findOne(Person, { login: p.login })));
      if (found.every(Boolean)) return saved;
    }
    const plan: [keyof DemoPeople, string, string, string][] = [
      ['admin', 'quantri', 'Quản trị hệ thống', province],
      ['leadership', 'lanhdao', 'Lãnh đạo Công an tỉnh', province],
      ['chief', 'truongcahuyen', 'Trưởng Công an huyện Thạch Hà', '445'],
      ['officer', 'canbo.thachkenh', 'Cán bộ Công an xã Thạch Kênh', '18586'],
    ];
    const people = {} as DemoPeople;
    for (const [role, login, name, scope] of plan) {
      const password = randomBytes(9).toString('base64url');
      const existing = await this.db.em().findOne(Person, { login });
      const person = existing ?? new Person(login, name, role, scope, '');
      Object.assign(person, { passwordHash: await hash(password), passwordTemporary: false, disabledAt: null });
      await this.db.em().persistAndFlush(person);
      people[role] = { login, password, scope };
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(people, null, 2), { mode: 0o600 });
    return people;
  }
}
