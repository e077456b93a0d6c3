/**
 * The field reads on a real database: a commune's standing (values, rank among its siblings,
 * today's records with their senders), the silent communes of a scope, and the audit rows of
 * corrections and of records a chief enters on a commune's behalf.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldRepository } from '../repositories/field.repository.js';
import { HeldRepository } from '../repositories/held.repository.js';
import { testCampaign, type TestCampaign } from '../testing/campaign.js';
import type { Principal } from './auth.service.js';
import { Clock } from './clock.js';
import { FieldService } from './field.service.js';

let t: TestCampaign;
let field: FieldService;
let chief: Principal;
let n = 0;
const ev = (unit: string, delta: number, extra: Record<string, unknown> = {}) => ({
  id: `field-${n++}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit, delta, occurredAt: new Date().toISOString(), ...extra,
});

beforeAll(async () => {
  t = await testCampaign();
  field = new FieldService(t.live, new FieldRepository(t.db), new HeldRepository(t.db), Clock.wall());
  const [person] = await t.db.em().execute<{ id: number }[]>(
    `insert into person (login, name, role, scope_code, password_hash) values ('truong.thachha', 'Trần Văn Hà', 'chief', '445', 'x') returning id`);
  chief = { keyId: null, personId: person.id, name: 'Trần Văn Hà', role: 'chief', scope: '445' };
});
afterAll(() => t?.close());

describe('silent communes', () => {
  it('lists every commune of the scope that never reported, and drops one once it reports', async () => {
    const before = await field.silence(t.principal, 'ha-tinh', '445', 6);
    expect(before.communes).toBeGreaterThan(20);
    expect(before.silent.map((s) => s.unit)).toContain('18586');
    expect(before.silent.every((s) => s.last === null && s.parentName === 'Huyện Thạch Hà')).toBe(true);

    await t.ingest.ingestEvents({ events: [ev('18586', 7, { source: 'Tổ lưu động số 2' })] }, t.principal);
    const after = await field.silence(t.principal, 'ha-tinh', '445', 6);
    expect(after.silent.map((s) => s.unit)).not.toContain('18586');
    expect(after.silent).toHaveLength(before.silent.length - 1);
    const province = await field.silence(t.principal, 'ha-tinh', '42', 6);
    expect(province.communes).toBe(216);
    expect(province.silent).toHaveLength(215);
  });

  it('gives a commune silent for the chosen hours its last record, when and who sent it', async () => {
    const repository = new FieldRepository(t.db);
    const [row] = (await repository.silent('ha-tinh', ['18586'], Date.now() + 60_000));
    expect(row.last).toMatchObject({ metric: 'cccd_intake', delta: 7, source: 'Tổ lưu động số 2', sender: { kind: 'key', name: 'test' } });
    expect(Date.now() - Date.parse(row.last!.receivedAt)).toBeLessThan(60_000);
  });

  it('refuses a scope outside the reader\'s own', async () => {
    await expect(field.silence(chief, 'ha-tinh', '444', 6)).rejects.toThrow(/only read unit 445 and below, not 444/);
    expect((await field.silence(chief, 'ha-tinh', undefined, 6)).scope).toBe('445');
  });
});

describe('a commune\'s standing', () => {
  it('has each metric\'s value, rank among the district\'s communes, milestones\' needs, and today\'s records', async () => {
    await t.ingest.ingestEvents({ events: [ev('18589', 3)] }, t.principal);
    await t.live.catchUp();
    const standing = await field.standing(chief, 'ha-tinh', '18586');
    expect(standing.unit.fullName).toBe('Xã Thạch Kênh');
    expect(standing.parent?.code).toBe('445');
    const cccd = standing.metrics.find((m) => m.metric === 'cccd_intake')!;
    expect(cccd.value).toBe(7);
    expect(cccd.rank).toBeGreaterThanOrEqual(1);
    expect(cccd.of).toBe((await field.silence(chief, 'ha-tinh', '445', 6)).communes);
    expect(cccd.derived.milestones.length).toBeGreaterThan(0);
    expect(cccd.derived.milestones.every((m) => m.requiredRate === null || m.requiredRate > 0)).toBe(true);
    expect(standing.entries.map((e) => e.delta)).toEqual([7]);
    expect(standing.entries[0].sender).toEqual({ kind: 'key', name: 'test' });
  });

  it('is a commune\'s, within the reader\'s scope', async () => {
    await expect(field.standing(chief, 'ha-tinh', '445')).rejects.toThrow(/is a district, not a commune/);
    await expect(field.standing(chief, 'ha-tinh', '18070')).rejects.toThrow(/only read unit 445/);
  });
});

describe('the audit trail of counts', () => {
  const audit = () => t.db.em().execute<{ actor_kind: string; actor_name: string; action: string; entity_id: string; unit_code: string; reason: string | null; after: { delta: number } }[]>(
    `select actor_kind, actor_name, action, entity_id, unit_code, reason, after from audit where action like 'count.%' order by id`);

  it('records a chief\'s entry for a commune and every correction, once, in the batch\'s transaction', async () => {
    const onBehalf = ev('18586', 5);
    const correction = ev('18586', -2, { reason: 'Nhập trùng' });
    await t.ingest.ingestEvents({ events: [onBehalf, correction] }, chief);
    await t.ingest.ingestEvents({ events: [onBehalf, correction] }, chief);
    await t.ingest.ingestEvents({ events: [ev('18589', -1, { reason: 'Sai số' })] }, t.principal);
    await t.ingest.ingestReports({ reports: [{ id: `field-${n++}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18589', total: 20, asOf: new Date().toISOString() }] }, chief);
    expect((await audit()).map((r) => [r.actor_kind, r.action, r.unit_code, r.after.delta, r.reason])).toEqual([
      ['person', 'count.on-behalf', '18586', 5, null],
      ['person', 'count.correct', '18586', -2, 'Nhập trùng'],
      ['key', 'count.correct', '18589', -1, 'Sai số'],
      ['person', 'count.on-behalf', '18589', 18, null],
    ]);
  });

  it('writes nothing for a refused batch', async () => {
    const count = (await audit()).length;
    await expect(t.ingest.ingestEvents({ events: [ev('18586', 4), ev('18586', -999, { reason: 'Quá tay' })] }, chief)).rejects.toThrow(/below zero/);
    expect(await audit()).toHaveLength(count);
  });
});
