/** The whole country loads: 63 provinces, 705 districts, 10,599 communes, and a campaign over them runs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeldRepository } from '../repositories/held.repository.js';
import { IngestRepository } from '../repositories/ingest.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import { KeyRepository } from '../repositories/key.repository.js';
import { LiveRepository } from '../repositories/live.repository.js';
import { testDatabase, type TestDatabase } from '../testing/database.js';
import { Clock } from './clock.js';
import { IngestService } from './ingest.service.js';
import { LiveService } from './live.service.js';
import { SeedService } from './seed.service.js';

let t: TestDatabase;
let live: LiveService;

beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => {
  await live?.onApplicationShutdown();
  await t?.close();
});

describe('the whole country', () => {
  it('loads the catalog and serves a national campaign', async () => {
    const seed = new SeedService(t.db, new KeyRepository(t.db), new UnitsRepository(t.db));
    const units = await seed.importCatalog('VN');
    expect(units).toHaveLength(1 + 63 + 705 + 10_599);
    await seed.importCatalog('VN'); // repeatable

    const communes = units.filter((u) => u.level === 'commune');
    await seed.seedCampaign('national', 'Toàn quốc', 'VN', 'Asia/Ho_Chi_Minh', {
      startDate: '2023-01-01',
      milestones: [{ name: 'Mốc Bộ giao', date: '2023-07-29', metrics: ['cccd_intake'], document: 'Kế hoạch' }],
      metrics: [{
        key: 'cccd_intake', name: 'CCCD', shortName: 'CCCD', startDate: '2023-01-01', activationOf: null,
        targets: new Map(communes.map((c) => [c.code, 1000])), schedules: [],
      }],
      commitments: [],
    });
    const clock = Clock.wall();
    live = new LiveService(t.db, new LiveRepository(t.db), clock);
    await live.start();
    const { key } = await new KeyRepository(t.db).create('national', 'ingest', 'VN');
    const ingest = new IngestService(new IngestRepository(t.db), live, clock, new AuditRepository(t.db), new HeldRepository(t.db));
    await ingest.ingestEvents({ events: [
      { id: 'n1', campaign: 'national', metric: 'cccd_intake', unit: '18586', delta: 40, occurredAt: new Date().toISOString() },
      { id: 'n2', campaign: 'national', metric: 'cccd_intake', unit: '00001', delta: 2, occurredAt: new Date().toISOString() },
    ] }, { keyId: key.id, name: key.name, role: 'ingest', scope: 'VN' });
    await live.catchUp();

    const [country, province] = live.tree('national')!.values(['VN', '42']);
    expect(country.metrics.cccd_intake).toMatchObject({ value: 42, target: 10_599_000 });
    expect(province.metrics.cccd_intake).toMatchObject({ value: 40, target: 216_000 });
    expect(live.snapshot('national', 'VN')!.units).toHaveLength(units.length);
  });
});
