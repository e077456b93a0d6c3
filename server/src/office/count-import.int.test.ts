/**
 * Daily sheets on both databases: a sheet read is not applied until confirmed, and then once;
 * two people confirming the same figures at the same moment count them once, for a past day
 * (the same reports) and for today (reports of the same ids read at other instants); a lower
 * figure is a correction that waits for its reason, and the audit trail names it; a commune
 * officer's implausible figure is held for a chief, whatever the officer ticks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfLocalDay, formatDate, localDate } from '@tiendo/shared';
import { AuditRepository } from '../repositories/audit.repository.js';
import { UnitsRepository } from '../repositories/units.repository.js';
import { Clock } from '../services/clock.js';
import { testCampaign, yesterday, type TestCampaign } from '../testing/campaign.js';
import { CountImportService } from './count-import.service.js';
import { OfficeRepository } from './office.repository.js';

const TZ = 'Asia/Ho_Chi_Minh';
let t: TestCampaign;
let counts: CountImportService;
let audit: AuditRepository;

beforeAll(async () => {
  t = await testCampaign();
  audit = new AuditRepository(t.db);
  counts = new CountImportService(
    t.live, t.ingest, t.ingestRepository, new OfficeRepository(t.db, audit), new UnitsRepository(t.db), audit, Clock.wall(),
  );
});
afterAll(() => t?.close());

/** A CSV as an office saves it: a title naming the day, a header, a line per commune. */
const sheet = (date: string, rows: [string, number][]) =>
  Buffer.from(`\ufeffBáo cáo ngày ${formatDate(date)}\r\nMã xã,CCCD lũy kế\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n`);

const valueAt = async (unit: string, at: number) =>
  (await t.ingestRepository.readValuesAt([{ campaign: 'ha-tinh', metric: 'cccd_intake', unit, at: new Date(at).toISOString() }]))[0];

describe('a daily sheet', () => {
  it('is applied only when confirmed, at the end of its day', async () => {
    const day = yesterday();
    const preview = await counts.preview(t.principal, 'ha-tinh', sheet(day, [['18586', 300], ['18589', 200]]), 'a.csv', null, null);
    expect(preview.cells.map((c) => [c.unit, c.status, c.delta])).toEqual([['18586', 'change', 300], ['18589', 'change', 200]]);
    expect(await valueAt('18586', Date.now())).toBe(0);
    expect(await counts.confirm(t.principal, 'ha-tinh', preview.importId, {})).toMatchObject({ applied: 2, unchanged: 0, duplicates: 0 });
    expect(await valueAt('18586', endOfLocalDay(day, TZ) - 1)).toBe(300);
    await expect(counts.confirm(t.principal, 'ha-tinh', preview.importId, {})).rejects.toThrow(/no pending sheet/);
  });

  it('counts once when two confirmations of the same past day\'s figures meet', async () => {
    const file = sheet(yesterday(), [['18592', 150]]);
    const [a, b] = [await counts.preview(t.principal, 'ha-tinh', file, 'b.csv', null, null), await counts.preview(t.principal, 'ha-tinh', file, 'b.csv', null, null)];
    const results = await Promise.all([a, b].map((p) => counts.confirm(t.principal, 'ha-tinh', p.importId, {})));
    expect(results.map((r) => r.applied).sort()).toEqual([0, 1]);
    expect(results.map((r) => r.duplicates).sort()).toEqual([0, 1]);
    expect(await valueAt('18592', Date.now())).toBe(150);
  });

  it('counts once when two confirmations of today\'s figures, read at other moments, meet', async () => {
    const today = localDate(Date.now(), TZ);
    const file = sheet(today, [['18595', 120]]);
    const a = await counts.preview(t.principal, 'ha-tinh', file, 'c.csv', null, null);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const b = await counts.preview(t.principal, 'ha-tinh', file, 'c.csv', null, null);
    expect(a.asOf).not.toBe(b.asOf);
    const results = await Promise.all([a, b].map((p) => counts.confirm(t.principal, 'ha-tinh', p.importId, {})));
    expect(results.map((r) => r.applied).sort()).toEqual([0, 1]);
    expect(await valueAt('18595', Date.now())).toBe(120);
  });

  it('waits for a reason to lower a figure, then applies only that difference and audits it', async () => {
    const day = yesterday();
    const corrected = await counts.preview(t.principal, 'ha-tinh', sheet(day, [['18586', 290], ['18589', 200]]), 'a-sua.csv', null, null);
    expect(corrected.cells.map((c) => [c.unit, c.status, c.delta, c.revises])).toEqual([['18586', 'change', -10, 300], ['18589', 'duplicate', 0, null]]);
    expect(corrected.needsReason).toBe(true);
    await expect(counts.confirm(t.principal, 'ha-tinh', corrected.importId, {})).rejects.toThrow(/^reason: the sheet lowers or revises 1 figure \(row 3 Xã Thạch Kênh, cccd_intake: 300 → 290\)/);
    expect(await counts.confirm(t.principal, 'ha-tinh', corrected.importId, { reason: 'Trùng hồ sơ' })).toMatchObject({ applied: 1, duplicates: 1 });
    expect(await valueAt('18586', Date.now())).toBe(290);
    expect(await valueAt('18589', Date.now())).toBe(200);
    const [entry] = await audit.list({ kind: 'count.import', units: ['18586'], limit: 1 });
    expect(entry).toMatchObject({ unit: '18586', reason: 'Trùng hồ sơ', before: { value: 300 }, after: { value: 290, file: 'a-sua.csv', row: '3', column: 'B' } });
  });

  it('from a commune officer, holds an implausible figure for a chief, once, and counts nothing of it', async () => {
    const commune = t.live.tree('ha-tinh')!.communesOf('445')[10];
    const [person] = await t.db.em().execute<{ id: number }[]>(
      `insert into person (login, name, role, scope_code, password_hash) values ('cb.sheet', 'Cán bộ xã', 'officer', ?, 'x') returning id`, [commune]);
    const officer = { keyId: null, personId: person.id, name: 'Cán bộ xã', role: 'officer' as const, scope: commune };
    const file = sheet(yesterday(), [[commune, 90_000]]);
    const preview = await counts.preview(officer, 'ha-tinh', file, 'xa.csv', null, null);
    expect(preview.cells[0].implausible).toMatch(/is more than/);
    expect(preview.needsConfirmation).toBe(false);
    expect(await counts.confirm(officer, 'ha-tinh', preview.importId, { confirmed: true })).toMatchObject({ applied: 0, held: 1 });
    const again = await counts.preview(officer, 'ha-tinh', file, 'xa.csv', null, null);
    expect(await counts.confirm(officer, 'ha-tinh', again.importId, {})).toMatchObject({ applied: 0, held: 1 });
    expect(await valueAt(commune, Date.now())).toBe(0);
    const rows = await t.db.em().execute<{ origin: string; total: string; status: string }[]>('select origin, total, status from held_record where unit_code = ?', [commune]);
    expect(rows.map((r) => [r.origin, Number(r.total), r.status])).toEqual([['report', 90_000, 'held']]);
  });
});
