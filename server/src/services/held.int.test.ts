/**
 * Records held by the plausibility rule, on a real database: a commune officer's implausible
 * record is kept uncounted (a retry holds nothing twice, other content under its id is a
 * conflict), a key's is refused as before; a chief of the district lists, confirms (counted
 * once, at the record's own instant, audited with both people) or rejects it with a reason;
 * a record is decided once, also when two chiefs decide at the same moment; and a chief of
 * another district can neither see nor decide it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictException, ForbiddenException } from '@nestjs/common';
import { AuditRepository } from '../repositories/audit.repository.js';
import { FieldRepository } from '../repositories/field.repository.js';
import { HeldRepository } from '../repositories/held.repository.js';
import { RecordConflictError } from '../repositories/ingest.repository.js';
import { testCampaign, yesterday, type TestCampaign } from '../testing/campaign.js';
import type { Principal } from './auth.service.js';
import { Clock } from './clock.js';
import { FieldService } from './field.service.js';
import { HeldService } from './held.service.js';

const COMMUNE = '18586';
const OTHER_COMMUNE = '18589';

let t: TestCampaign;
let held: HeldService;
let field: FieldService;
const people: Record<'officer' | 'chief' | 'deputy' | 'otherChief' | 'leadership', Principal> = {} as never;
let n = 0;
const ev = (unit: string, delta: number, extra: Record<string, unknown> = {}) => ({
  id: `held-${n++}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit, delta, occurredAt: new Date().toISOString(), ...extra,
});

async function person(login: string, name: string, role: Principal['role'], scope: string): Promise<Principal> {
  const [row] = await t.db.em().execute<{ id: number }[]>(
    'insert into person (login, name, role, scope_code, password_hash) values (?, ?, ?, ?, \'x\') returning id', [login, name, role, scope]);
  return { keyId: null, personId: row.id, name, role, scope };
}

async function counted(unit = COMMUNE): Promise<number> {
  const [row] = await t.db.em().execute<{ value: string }[]>(
    `select coalesce(sum(value), 0) as value from counter where campaign_id = 'ha-tinh' and metric = 'cccd_intake' and unit_code = ?`, [unit]);
  return Number(row.value);
}

async function dayValue(day: string, unit = COMMUNE): Promise<number> {
  const [row] = await t.db.em().execute<{ value: string }[]>(
    `select coalesce(sum(value), 0) as value from daily_value where campaign_id = 'ha-tinh' and metric = 'cccd_intake' and unit_code = ? and day = ?`, [unit, day]);
  return Number(row.value);
}

const heldRows = (recordId: string) => t.db.em().execute<{ id: number; status: string; person_id: number; limit_amount: string; limit_why: string }[]>(
  'select id, status, person_id, limit_amount, limit_why from held_record where record_id = ?', [recordId]);

const audit = (recordId: string) => t.db.em().execute<{ action: string; actor_name: string; before: Record<string, unknown>; after: Record<string, unknown>; reason: string | null }[]>(
  'select action, actor_name, before, after, reason from audit where entity_id = ? order by id', [recordId]);

beforeAll(async () => {
  t = await testCampaign();
  const repository = new HeldRepository(t.db);
  held = new HeldService(t.live, repository, t.ingestRepository, new AuditRepository(t.db));
  field = new FieldService(t.live, new FieldRepository(t.db), repository, Clock.wall());
  people.officer = await person('cb.thachkenh', 'Cán bộ xã Thạch Kênh', 'officer', COMMUNE);
  people.chief = await person('truong.thachha', 'Trưởng Công an huyện Thạch Hà', 'chief', '445');
  people.deputy = await person('pho.thachha', 'Phó trưởng Công an huyện Thạch Hà', 'chief', '445');
  people.otherChief = await person('truong.huongkhe', 'Trưởng Công an huyện Hương Khê', 'chief', '444');
  people.leadership = await person('ld.tinh', 'Lãnh đạo Công an tỉnh', 'leadership', '42');
});
afterAll(() => t?.close());

/** An amount far beyond any limit of the commune: more than its whole target. */
const HUGE = 90_000;

describe('an officer\'s implausible record', () => {
  it('is held, not counted, with who sent it and the limit it broke; the rest of its batch counts', async () => {
    const before = await counted();
    const big = ev(COMMUNE, HUGE, { source: 'Tổ lưu động số 2' });
    const small = ev(COMMUNE, 3);
    const result = await t.ingest.ingestEvents({ events: [small, big] }, people.officer);
    expect(result).toMatchObject({ accepted: 1, duplicates: 0, held: [{ path: 'events[1]', id: big.id, status: 'held' }] });
    expect(result.held![0].message).toMatch(/^events\[1\]\.delta: \+90000 for cccd_intake of unit 18586 is implausible: more than .* \(at most \d+ at once\); held, not counted, until a chief confirms or rejects it$/);
    expect(await counted()).toBe(before + 3);
    const [row] = await heldRows(big.id);
    expect(row).toMatchObject({ status: 'held', person_id: people.officer.personId });
    expect(Number(row.limit_amount)).toBe(result.held![0].limit);
    expect(row.limit_why).toMatch(/^more than /);
  });

  it('holds the records of a batch that are implausible only together, all of them', async () => {
    const before = await counted();
    const [{ limit }] = (await t.ingest.ingestEvents({ events: [ev(COMMUNE, HUGE)] }, people.officer)).held!;
    const part = Math.ceil(limit * 0.6);
    const result = await t.ingest.ingestEvents({ events: [ev(COMMUNE, part), ev(COMMUNE, part), ev(COMMUNE, 2)] }, people.officer);
    expect(result.held!.map((h) => h.path)).toEqual(['events[0]', 'events[1]', 'events[2]']);
    expect(result.held![0].message).toMatch(/^events\[0\]\.delta: \+\d+ for cccd_intake of unit 18586 \(3 records of this batch together\) is implausible/);
    expect(await counted()).toBe(before);
  });

  it('is held whatever the officer says: an officer does not confirm an implausible amount', async () => {
    const before = await counted();
    const result = await t.ingest.ingestEvents({ events: [ev(COMMUNE, HUGE, { confirmed: true })] }, people.officer);
    expect(result).toMatchObject({ accepted: 0, held: [{ status: 'held' }] });
    expect(await counted()).toBe(before);
  });

  it('is held once: a retry is told it is held, and the same id with other content is a conflict', async () => {
    const big = ev(COMMUNE, HUGE);
    await t.ingest.ingestEvents({ events: [big] }, people.officer);
    const again = await t.ingest.ingestEvents({ events: [big] }, people.officer);
    expect(again).toMatchObject({ accepted: 0, duplicates: 0, held: [{ id: big.id, status: 'held' }] });
    expect(again.held![0].message).toMatch(/^events\[0\]: held since .* not counted until a chief confirms or rejects it$/);
    expect(await heldRows(big.id)).toHaveLength(1);
    await expect(t.ingest.ingestEvents({ events: [{ ...big, delta: HUGE - 1 }] }, people.officer)).rejects.toThrow(RecordConflictError);
    await expect(t.ingest.ingestEvents({ events: [{ ...big, delta: HUGE - 1 }] }, people.officer)).rejects.toThrow(/is already the id of a record held/);
    const concurrent = ev(COMMUNE, HUGE);
    await Promise.all(Array.from({ length: 5 }, () => t.ingest.ingestEvents({ events: [concurrent] }, people.officer)));
    expect(await heldRows(concurrent.id)).toHaveLength(1);
  });

  it('is refused from a key, and from a chief unless confirmed, as before', async () => {
    await expect(t.ingest.ingestEvents({ events: [ev(COMMUNE, HUGE)] }, t.principal)).rejects.toThrow(/is implausible.*send it again with "confirmed": true/);
    await expect(t.ingest.ingestEvents({ events: [ev(COMMUNE, HUGE)] }, people.chief)).rejects.toThrow(/is implausible/);
    const before = await counted(OTHER_COMMUNE);
    expect(await t.ingest.ingestEvents({ events: [ev(OTHER_COMMUNE, HUGE, { confirmed: true })] }, people.chief)).toEqual({ accepted: 1, duplicates: 0, seq: expect.any(Number) });
    expect(await counted(OTHER_COMMUNE)).toBe(before + HUGE);
  });
});

describe('a chief\'s decision', () => {
  it('lists the held records of the chief\'s scope, oldest first, and none to a chief of another district', async () => {
    const list = await held.list(people.chief, 'ha-tinh', undefined);
    expect(list.scope).toBe('445');
    expect(list.held.length).toBeGreaterThanOrEqual(4);
    expect(list.held.every((h) => h.status === 'held' && h.unit === COMMUNE)).toBe(true);
    expect(list.held[0]).toMatchObject({
      unitName: 'Xã Thạch Kênh', parentName: 'Huyện Thạch Hà', metric: 'cccd_intake', delta: HUGE, total: null, source: 'Tổ lưu động số 2',
      sender: { kind: 'person', name: 'Cán bộ xã Thạch Kênh' }, decision: null,
    });
    const times = list.held.map((h) => h.receivedAt);
    expect([...times].sort()).toEqual(times);
    expect((await held.list(people.otherChief, 'ha-tinh', undefined)).held).toEqual([]);
    await expect(held.list(people.otherChief, 'ha-tinh', '445')).rejects.toThrow(ForbiddenException);
    expect((await held.list(people.leadership, 'ha-tinh', '42')).held.map((h) => h.id)).toEqual(list.held.map((h) => h.id));
  });

  it('confirmed, counts the record once at its own instant, confirmed, as its officer\'s, audited with the chief', async () => {
    const day = yesterday();
    const at = `${day}T09:30:00+07:00`;
    const big = ev(COMMUNE, HUGE, { occurredAt: at, source: 'Tổ lưu động số 2' });
    expect((await t.ingest.ingestEvents({ events: [big] }, people.officer)).held).toMatchObject([{ id: big.id, status: 'held' }]);
    const [row] = await heldRows(big.id);
    const [before, beforeDay] = [await counted(), await dayValue(day)];

    await expect(held.confirm(people.otherChief, 'ha-tinh', row.id, {})).rejects.toThrow(/outside your unit 444/);
    const confirmed = await held.confirm(people.chief, 'ha-tinh', row.id, undefined);
    expect(confirmed).toMatchObject({ status: 'confirmed', decision: { by: 'Trưởng Công an huyện Thạch Hà', reason: null } });
    expect(await counted()).toBe(before + HUGE);
    expect(await dayValue(day)).toBe(beforeDay + HUGE);
    const [event] = await t.db.em().execute<{ occurred_at: string; confirmed: boolean; person_id: number; source: string }[]>(
      'select occurred_at, confirmed, person_id, source from event where id = ?', [big.id]);
    expect(event).toMatchObject({ confirmed: true, person_id: people.officer.personId, source: 'Tổ lưu động số 2' });
    expect(new Date(event.occurred_at).toISOString()).toBe(new Date(at).toISOString());
    expect((await audit(big.id)).map((a) => [a.action, a.actor_name, a.after.sender, a.after.delta, a.after.confirmed])).toEqual([
      ['count.confirm', 'Trưởng Công an huyện Thạch Hà', 'Cán bộ xã Thạch Kênh', HUGE, true],
    ]);

    // Decided once: the same chief again is answered the same; anyone or anything else is a conflict.
    expect(await held.confirm(people.chief, 'ha-tinh', row.id, {})).toEqual(confirmed);
    await expect(held.confirm(people.deputy, 'ha-tinh', row.id, {})).rejects.toThrow(ConflictException);
    await expect(held.reject(people.chief, 'ha-tinh', row.id, { reason: 'Nhầm' })).rejects.toThrow(/was confirmed by Trưởng Công an huyện Thạch Hà at .*; a held record is decided once/);
    expect(await counted()).toBe(before + HUGE);
    // The officer's phone, sending it again, finds it counted.
    expect(await t.ingest.ingestEvents({ events: [big] }, people.officer)).toEqual({ accepted: 0, duplicates: 1, seq: null });
    expect(await counted()).toBe(before + HUGE);
  });

  it('rejected, is never counted, and the officer is told why', async () => {
    const big = ev(COMMUNE, HUGE);
    await t.ingest.ingestEvents({ events: [big] }, people.officer);
    const [row] = await heldRows(big.id);
    const before = await counted();
    await expect(held.reject(people.chief, 'ha-tinh', row.id, {})).rejects.toThrow(/^reason: /);
    await expect(held.reject(people.chief, 'ha-tinh', row.id, { reason: '   ' })).rejects.toThrow(/reason: must not be empty/);
    expect((await heldRows(big.id))[0].status).toBe('held');
    const rejected = await held.reject(people.chief, 'ha-tinh', row.id, { reason: 'Nhập thừa một số 0' });
    expect(rejected).toMatchObject({ status: 'rejected', decision: { by: 'Trưởng Công an huyện Thạch Hà', reason: 'Nhập thừa một số 0' } });
    expect(await counted()).toBe(before);
    const retry = await t.ingest.ingestEvents({ events: [big] }, people.officer);
    expect(retry).toMatchObject({ accepted: 0, duplicates: 0, held: [{ status: 'rejected', reason: 'Nhập thừa một số 0' }] });
    expect(await counted()).toBe(before);
    await expect(held.confirm(people.chief, 'ha-tinh', row.id, {})).rejects.toThrow(/was rejected by .* \(Nhập thừa một số 0\)/);
    expect((await audit(big.id)).map((a) => [a.action, a.actor_name, a.before.sender, a.after.status, a.reason])).toEqual([
      ['count.reject', 'Trưởng Công an huyện Thạch Hà', 'Cán bộ xã Thạch Kênh', 'rejected', 'Nhập thừa một số 0'],
    ]);
    const standing = await field.standing(people.officer, 'ha-tinh', COMMUNE);
    expect(standing.held.find((h) => h.recordId === big.id)).toMatchObject({ status: 'rejected', decision: { reason: 'Nhập thừa một số 0' } });
  });

  it('is taken by one of two chiefs deciding at the same moment; the other is told it was decided', async () => {
    const big = ev(COMMUNE, HUGE);
    await t.ingest.ingestEvents({ events: [big] }, people.officer);
    const [row] = await heldRows(big.id);
    const before = await counted();
    const outcomes = await Promise.allSettled([
      held.confirm(people.chief, 'ha-tinh', row.id, {}),
      held.confirm(people.deputy, 'ha-tinh', row.id, {}),
      held.reject(people.leadership, 'ha-tinh', row.id, { reason: 'Không rõ nguồn' }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.reason).toBeInstanceOf(ConflictException);
    const won = (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<{ status: string }>).value;
    expect(await counted()).toBe(before + (won.status === 'confirmed' ? HUGE : 0));
    expect(await audit(big.id)).toHaveLength(1);
  });

  it('confirms a held total against the value as of its instant at the moment of confirming', async () => {
    const asOf = new Date().toISOString();
    const start = await counted();
    const report = { id: `held-${n++}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit: COMMUNE, total: start + HUGE, asOf };
    const result = await t.ingest.ingestReports({ reports: [report] }, people.officer);
    expect(result).toMatchObject({ accepted: 0, unchanged: 0, duplicates: 0, held: [{ path: 'reports[0]', status: 'held' }] });
    expect(result.held![0].message).toMatch(/^reports\[0\]\.total: \+90000 for cccd_intake of unit 18586 is implausible/);
    expect(await t.ingest.ingestReports({ reports: [report] }, people.officer)).toMatchObject({ held: [{ status: 'held' }] });
    await expect(t.ingest.ingestReports({ reports: [{ ...report, total: report.total + 1 }] }, people.officer)).rejects.toThrow(RecordConflictError);
    // Work that happened before the total's instant arrives meanwhile: the total already holds it.
    await t.ingest.ingestEvents({ events: [ev(COMMUNE, 40, { occurredAt: new Date(Date.parse(asOf) - 1000).toISOString() })] }, people.officer);
    const [row] = await heldRows(report.id);
    const confirmed = await held.confirm(people.leadership, 'ha-tinh', row.id, {});
    expect(confirmed).toMatchObject({ status: 'confirmed', origin: 'report', total: start + HUGE });
    expect(await counted()).toBe(start + HUGE);
    expect((await audit(report.id))[0].after).toMatchObject({ delta: HUGE - 40, total: start + HUGE, sender: 'Cán bộ xã Thạch Kênh' });
    expect(await t.ingest.ingestReports({ reports: [report] }, people.officer)).toEqual({ accepted: 0, unchanged: 0, duplicates: 1, seq: null });
  });

  it('names a missing or foreign record and a bad body', async () => {
    await expect(held.confirm(people.chief, 'ha-tinh', 999_999, {})).rejects.toThrow(/held: campaign "ha-tinh" has no held record 999999/);
    const [row] = await t.db.em().execute<{ id: number }[]>(`select id from held_record where status = 'held' limit 1`);
    await expect(held.confirm(people.chief, 'ha-tinh', row.id, { confirmed: true })).rejects.toThrow(/unrecognized key|confirmed/i);
    await expect(held.reject(people.chief, 'ha-tinh', row.id, 'no')).rejects.toThrow(/^body: /);
    expect((await t.db.em().execute<{ status: string }[]>('select status from held_record where id = ?', [row.id]))[0].status).toBe('held');
  });
});

describe('silence', () => {
  it('is broken by a record held for a chief: the commune was heard from', async () => {
    const commune = t.live.tree('ha-tinh')!.communesOf('445')[12];
    const officer = await person('cb.silence', 'Cán bộ xã im lặng', 'officer', commune);
    expect((await field.silence(people.chief, 'ha-tinh', '445', 6)).silent.map((s) => s.unit)).toContain(commune);
    await t.ingest.ingestEvents({ events: [ev(commune, HUGE)] }, officer);
    expect((await field.silence(people.chief, 'ha-tinh', '445', 6)).silent.map((s) => s.unit)).not.toContain(commune);
    const [row] = await new FieldRepository(t.db).silent('ha-tinh', [commune], Date.now() + 60_000);
    expect(row.last).toMatchObject({ delta: HUGE, held: true, sender: { kind: 'person', name: 'Cán bộ xã im lặng' } });
  });
});

describe('the officer\'s standing', () => {
  it('shows the commune\'s held records, waiting and decided, newest first', async () => {
    const standing = await field.standing(people.officer, 'ha-tinh', COMMUNE);
    const statuses = new Set(standing.held.map((h) => h.status));
    expect(statuses).toEqual(new Set(['held', 'confirmed', 'rejected']));
    const times = standing.held.map((h) => h.receivedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(standing.held.every((h) => h.unit === COMMUNE && h.limit.amount > 0)).toBe(true);
  });
});
