/**
 * Which communes reported on a day, as the evening report lists the silent ones, on a real
 * database: a record counted that day, a report as of that day, or a record the plausibility
 * rule holds for a chief, each by its own instant in the campaign's time zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, startOfLocalDay } from '@tiendo/shared';
import { AuditRepository } from '../repositories/audit.repository.js';
import { REFERENCE } from '../simulator/reference.js';
import { testCampaign, type TestCampaign } from '../testing/campaign.js';
import { OfficeRepository } from './office.repository.js';

/** A day long before the campaign: nothing is counted on it. */
const DAY = '2020-01-15';
const HELD = '18586';
const HELD_NEXT_DAY = '18589';
const SILENT = '18592';

let t: TestCampaign;
let office: OfficeRepository;

async function hold(unit: string, occurredAt: number): Promise<void> {
  const [person] = await t.db.em().execute<{ id: number }[]>(
    `insert into person (login, name, role, scope_code, password_hash) values (?, 'Cán bộ xã', 'officer', ?, 'x') returning id`, [`officer-${unit}`, unit]);
  await t.db.em().execute(
    `insert into held_record (campaign_id, sender_scope, origin, record_id, metric, unit_code, delta, occurred_at, person_id, limit_amount, limit_why)
     values (?, ?, 'event', ?, 'cccd_intake', ?, 5000, ?, ?, 400, 'more than a commune does in a day')`,
    [REFERENCE.campaignId, unit, `held-${unit}`, unit, new Date(occurredAt), person.id],
  );
}

beforeAll(async () => {
  t = await testCampaign();
  office = new OfficeRepository(t.db, new AuditRepository(t.db));
  const start = startOfLocalDay(DAY, REFERENCE.timeZone);
  // 23:30 local time on the day, and the first minute of the next.
  await hold(HELD, start + 23.5 * 3_600_000);
  await hold(HELD_NEXT_DAY, startOfLocalDay(addDays(DAY, 1), REFERENCE.timeZone) + 60_000);
});
afterAll(() => t?.close());

describe('communes reported on a day', () => {
  it('counts a commune whose only record of the day is held for its chief', async () => {
    const reported = await office.reportedOn(REFERENCE.campaignId, DAY, REFERENCE.timeZone, [HELD, HELD_NEXT_DAY, SILENT]);
    expect([...reported]).toEqual([HELD]);
    const next = await office.reportedOn(REFERENCE.campaignId, addDays(DAY, 1), REFERENCE.timeZone, [HELD, HELD_NEXT_DAY, SILENT]);
    expect([...next]).toEqual([HELD_NEXT_DAY]);
  });
});
