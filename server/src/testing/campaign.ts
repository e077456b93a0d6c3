/** The demo campaign on a test database, with the services of the write and live paths wired by hand. */
import { addDays, localDate } from '@tiendo/shared';
import { subtree } from '../catalog/catalog.js';
import { IngestRepository } from '../repositories/ingest.repository.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { HeldRepository } from '../repositories/held.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import { KeyRepository } from '../repositories/key.repository.js';
import { LiveRepository } from '../repositories/live.repository.js';
import type { Principal } from '../services/auth.service.js';
import { Clock } from '../services/clock.js';
import { IngestService } from '../services/ingest.service.js';
import { LiveService } from '../services/live.service.js';
import { SeedService } from '../services/seed.service.js';
import { demoPlan } from '../simulator/demo-plan.js';
import { REFERENCE } from '../simulator/reference.js';
import { daysBetween } from '@tiendo/shared';
import { testDatabase, type TestDatabase } from './database.js';

export interface TestCampaign extends TestDatabase {
  ingest: IngestService;
  ingestRepository: IngestRepository;
  live: LiveService;
  principal: Principal;
}

export async function testCampaign(): Promise<TestCampaign> {
  const test = await testDatabase();
  const clock = Clock.wall();
  const keys = new KeyRepository(test.db);
  const seed = new SeedService(test.db, keys, new UnitsRepository(test.db));
  await seed.importCatalog('42');
  const shift = daysBetween(REFERENCE.liveAsOf, localDate(clock.now(), REFERENCE.timeZone));
  const plan = demoPlan(subtree('42')!, shift);
  await seed.seedCampaign(REFERENCE.campaignId, REFERENCE.name, '42', REFERENCE.timeZone, plan);
  const live = new LiveService(test.db, new LiveRepository(test.db), clock);
  await live.start();
  const ingestRepository = new IngestRepository(test.db);
  const { key } = await keys.create('test', 'ingest', '42');
  return {
    ...test,
    ingest: new IngestService(ingestRepository, live, clock, new AuditRepository(test.db), new HeldRepository(test.db)),
    ingestRepository,
    live,
    principal: { keyId: key.id, name: key.name, role: 'ingest', scope: '42' },
    close: async () => {
      await live.onApplicationShutdown();
      await test.close();
    },
  };
}

export function yesterday(): string {
  return addDays(localDate(Date.now(), REFERENCE.timeZone), -1);
}
