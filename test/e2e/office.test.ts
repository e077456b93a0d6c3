/**
 * The office's day over HTTP, as the office page does it: the daily sheets of counts (a CSV the
 * day before, then a workbook of two districts with merged headers, a totals row, names spelt
 * the usual ways and a cell that is not a number), previewed with nothing applied, confirmed as
 * one batch; the same file again applying nothing; a corrected file applying only what it
 * changes, and only with a reason; today's sheet and an amount to confirm; the progress table
 * as JSON, XLSX and CSV; notes on the timeline; and the evening report of a day.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays, formatDate, localDate,
  type AuditPage, type CountImportPreview, type CountImportResult, type EveningReport, type HistoryResponse, type NoteInfo,
  type ProgressTable, type Snapshot, type UnitInfo,
} from '@tiendo/shared';
import { get } from '../helpers/api.js';
import { Session } from '../helpers/production.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';
import { countWorkbook, csvSheet, spelt, type CountRow } from '../helpers/sheets.js';

const TZ = 'Asia/Ho_Chi_Minh';
const CAMPAIGN = '/api/v1/campaigns/ha-tinh';
const METRICS = ['cccd_intake', 'eid2_intake', 'eid2_activation'] as const;
const HEADERS = ['Thu nhận CCCD', 'Thu nhận ĐDĐT', 'Kích hoạt ĐDĐT'];

let server: ServerProcess;
const people = new Map<string, Session>();
let units: UnitInfo[];
let thachHa: UnitInfo[];
let canLoc: UnitInfo[];
const today = () => localDate(Date.now(), TZ);
const D0 = () => addDays(today(), -2);
const D1 = () => addDays(today(), -1);

/** The baseline the CSV gives at the end of D0, and what each Thạch Hà commune did on D1. */
const base = (i: number) => [300 + 5 * i, 200 + 4 * i, 150 + 3 * i];
const gain = (i: number) => [10 + i, 5 + i, 3 + i];

function upload(who: string, file: Uint8Array, query: string) {
  return people.get(who)!.request<CountImportPreview & { message?: string }>('POST', `${CAMPAIGN}/counts/import?${query}`, undefined, { bytes: file, type: 'application/octet-stream' });
}

function confirm(who: string, importId: string, body: Record<string, unknown> = {}) {
  return people.get(who)!.request<CountImportResult & { message?: string }>('POST', `${CAMPAIGN}/counts/import/${importId}/confirm`, body);
}

async function values(scope: string, date?: string): Promise<Map<string, Record<string, { value: number; today: number }>>> {
  const answer = date
    ? await get<HistoryResponse>(server.url, `${CAMPAIGN}/history?scope=${scope}&date=${date}`, server.keys.display)
    : await get<Snapshot>(server.url, `${CAMPAIGN}/snapshot?scope=${scope}`, server.keys.display);
  return new Map(answer.body.values.map((v) => [v.code, v.metrics]));
}

/** The D1 workbook: Thạch Hà (all but its last commune) and Can Lộc, with `change` applied to the figures first. */
function d1Sheets(change: (row: CountRow, i: number) => void = () => {}) {
  const title = (district: string) => `BÁO CÁO KẾT QUẢ THU NHẬN CCCD VÀ ĐỊNH DANH ĐIỆN TỬ NGÀY ${formatDate(D1()).replace(/^0/, '')} — ${district}`;
  const thachHaRows = thachHa.slice(0, -1).map((u, i): CountRow => {
    const b = base(i);
    const g = gain(i);
    const row: CountRow = {
      code: i % 3 === 0 ? u.code : null, name: spelt(u.fullName, u.name, i),
      figures: [g[0], b[0] + g[0], g[1], b[1] + g[1], g[2], b[2] + g[2]],
    };
    change(row, i);
    return row;
  });
  const canLocRows = canLoc.map((u, i): CountRow => ({ code: null, name: spelt(u.fullName, u.name, i + 1), figures: [400 + i, 400 + i, 300 + i, 300 + i, 200 + i, 200 + i] }));
  // Their first day: the day's count is the whole total. The totals line is off by one in E.
  const canLocTotal = Array.from({ length: 6 }, (_, j) => canLocRows.reduce((a, r) => a + (r.figures[j] as number), 0) + (j === 1 ? 1 : 0));
  return [
    { name: 'Thạch Hà', title: title('HUYỆN THẠCH HÀ'), metrics: HEADERS, rows: thachHaRows },
    { name: 'Can Lộc', title: title('HUYỆN CAN LỘC'), metrics: HEADERS, rows: canLocRows, total: canLocTotal },
  ];
}

/** The usual D1 file: one day's count off its total, and a cell that is not a number. */
const usualD1 = (row: CountRow, i: number) => {
  if (i === 4) row.figures[0] = 99;
  if (i === 7) row.figures[5] = '12a';
};

beforeAll(async () => {
  server = await startServer();
  const demo = JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')) as Record<string, { login: string; password: string }>;
  for (const [role, p] of Object.entries(demo)) {
    const session = new Session(server.url);
    expect((await session.signIn(p.login, p.password)).status).toBe(200);
    people.set(role, session);
  }
  units = (await get<Snapshot>(server.url, `${CAMPAIGN}/snapshot?scope=42`, server.keys.display)).body.units;
  thachHa = units.filter((u) => u.parent === '445');
  canLoc = units.filter((u) => u.parent === '443');
});

afterAll(async () => {
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

describe('the daily sheet of counts', () => {
  it('takes a CSV of totals for a day its title does not name, once the day is given', async () => {
    const header = ['Mã xã', 'Tên xã', 'CCCD lũy kế', 'ĐDĐT thu nhận lũy kế', 'ĐDĐT kích hoạt lũy kế'];
    const file = csvSheet(header, thachHa.map((u, i) => [u.code, u.name, ...base(i)]));
    const undated = await upload('admin', file, 'name=luy-ke.csv');
    expect(undated.status).toBe(422);
    expect(undated.body.message).toBe('date: the sheet\'s title names no day ("… ngày 12/5/2023"); give the day of its figures (date=YYYY-MM-DD)');
    expect((await upload('admin', file, `name=luy-ke.csv&date=${today()}x`)).status).toBe(400);
    expect((await upload('admin', file, `name=luy-ke.csv&date=${addDays(today(), 1)}`)).body.message).toMatch(/^date: .* is in the future/);

    const preview = await upload('admin', file, `name=luy-ke.csv&date=${D0()}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ date: D0(), dateFrom: 'request', problems: [], warnings: [], needsReason: false, needsConfirmation: false });
    expect(preview.body.cells).toHaveLength(3 * thachHa.length);
    expect(preview.body.asOf).toBe(new Date(Date.parse(`${D1()}T00:00:00+07:00`) - 1000).toISOString());
    const applied = await confirm('admin', preview.body.importId);
    expect(applied.body).toMatchObject({ applied: 3 * thachHa.length, unchanged: 0, duplicates: 0 });
    const held = await values('445', D0());
    thachHa.forEach((u, i) => expect(METRICS.map((m) => held.get(u.code)![m].value)).toEqual(base(i)));
  });

  let d1: Uint8Array;
  let preview: CountImportPreview;

  it('previews a workbook of two districts, merged headers and all, without applying anything', async () => {
    d1 = await countWorkbook(d1Sheets(usualD1));
    const answer = await upload('admin', d1, 'name=bao-cao-ngay.xlsx');
    expect(answer.status).toBe(200);
    preview = answer.body;
    expect(preview).toMatchObject({ fileName: 'bao-cao-ngay.xlsx', date: D1(), dateFrom: 'title', needsReason: false, needsConfirmation: false });
    expect(preview.columns.map((c) => `${c.sheet}!${c.column} ${c.metric} ${c.kind}`)).toEqual(['Thạch Hà', 'Can Lộc'].flatMap((s) => [
      `${s}!D cccd_intake day`, `${s}!E cccd_intake total`, `${s}!F eid2_intake day`, `${s}!G eid2_intake total`,
      `${s}!H eid2_activation day`, `${s}!I eid2_activation total`,
    ]));
    expect(preview.problems.map((p) => p.message)).toEqual(['row Thạch Hà!12, column I "Kích hoạt ĐDĐT · Lũy kế": "12a" is not a number']);
    const canLocTotalRow = 5 + canLoc.length;
    expect(preview.warnings.map((w) => w.message)).toEqual([
      `row Can Lộc!${canLocTotalRow}, column E "Thu nhận CCCD · Lũy kế": the total says ${canLoc.reduce((a, _, i) => a + 400 + i, 1)}, the communes read sum to ${canLoc.reduce((a, _, i) => a + 400 + i, 0)}`,
      `row Thạch Hà!9, column D "Thu nhận CCCD · Trong ngày": the day's count 99 is not the total ${base(4)[0] + gain(4)[0]} less the ${base(4)[0]} held at the start of the day (${gain(4)[0]}); the total is applied`,
    ]);
    // Every commune found, by code or however its name was spelt; each figure a change of what the day gained.
    expect(preview.cells).toHaveLength(3 * (thachHa.length - 1 + canLoc.length));
    expect(new Set(preview.cells.map((c) => c.by))).toEqual(new Set(['code', 'name']));
    thachHa.slice(0, -1).forEach((u, i) => {
      expect(preview.cells.filter((c) => c.unit === u.code).map((c) => [c.metric, c.status, c.current, c.delta])).toEqual(
        METRICS.map((m, j) => [m, 'change', base(i)[j], gain(i)[j]]));
    });
    // The total that is not a number leaves its day's count to say what the day did.
    expect(preview.cells.find((c) => c.row === 'Thạch Hà!12' && c.metric === 'eid2_activation')).toMatchObject({ kind: 'day', figure: gain(7)[2], total: base(7)[2] + gain(7)[2] });
    // Communes of the districts the sheet covers that it leaves out.
    expect(preview.missing).toEqual([{ unit: thachHa.at(-1)!.code, unitName: thachHa.at(-1)!.fullName }]);
    expect(preview.summary.find((s) => s.metric === 'cccd_intake')).toMatchObject({ changes: thachHa.length - 1 + canLoc.length, decrease: 0, unchanged: 0, duplicates: 0 });
    // Nothing is applied before the confirmation.
    expect((await values('445')).get(thachHa[0].code)!.cccd_intake.value).toBe(base(0)[0]);
  });

  it('applies the previewed sheet as one batch: the day\'s totals, the day\'s gains in history', async () => {
    const answer = await confirm('admin', preview.importId);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ applied: preview.cells.length, unchanged: 0, duplicates: 0 });
    const [now, day] = [await values('445'), await values('445', D1())];
    thachHa.slice(0, -1).forEach((u, i) => {
      expect(METRICS.map((m) => now.get(u.code)![m].value)).toEqual(base(i).map((b, j) => b + gain(i)[j]));
      expect(METRICS.map((m) => day.get(u.code)![m].today)).toEqual(gain(i));
    });
    expect((await values('443')).get(canLoc[0].code)!.cccd_intake.value).toBe(400);
    expect((await confirm('admin', preview.importId)).status).toBe(404);
  });

  it('applies nothing when the same file comes again', async () => {
    const again = await upload('admin', d1, 'name=bao-cao-ngay.xlsx');
    expect(again.status).toBe(200);
    expect(new Set(again.body.cells.map((c) => c.status))).toEqual(new Set(['duplicate']));
    expect(again.body).toMatchObject({ needsReason: false, needsConfirmation: false });
    const before = await values('42');
    const answer = await confirm('admin', again.body.importId);
    expect(answer.body).toMatchObject({ applied: 0, unchanged: 0, duplicates: preview.cells.length, seq: null });
    expect(await values('42')).toEqual(before);
  });

  it('applies only what a corrected file changes, and only with a reason', async () => {
    const corrected = await countWorkbook(d1Sheets((row, i) => {
      usualD1(row, i);
      if (i === 1) { row.figures[0] = (row.figures[0] as number) - 5; row.figures[1] = (row.figures[1] as number) - 5; }
      if (i === 2) { row.figures[2] = (row.figures[2] as number) + 7; row.figures[3] = (row.figures[3] as number) + 7; }
      if (i === 7) row.figures[5] = base(7)[2] + gain(7)[2];
    }));
    const answer = await upload('admin', corrected, 'name=bao-cao-ngay-sua.xlsx');
    const changes = answer.body.cells.filter((c) => c.status === 'change');
    expect(changes.map((c) => [c.unit, c.metric, c.delta, c.revises])).toEqual([
      [thachHa[1].code, 'cccd_intake', -5, base(1)[0] + gain(1)[0]],
      [thachHa[2].code, 'eid2_intake', 7, base(2)[1] + gain(2)[1]],
    ]);
    // The total given now where "12a" was agrees with what its day's count made of it.
    expect(answer.body.cells.find((c) => c.row === 'Thạch Hà!12' && c.metric === 'eid2_activation')).toMatchObject({ kind: 'total', status: 'unchanged' });
    expect(answer.body.needsReason).toBe(true);

    const refused = await confirm('admin', answer.body.importId);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/^reason: the sheet lowers or revises 2 figures \(row Thạch Hà!6 .*; a correction needs a reason$/);
    const before = await values('445');
    const applied = await confirm('admin', answer.body.importId, { reason: 'Huyện rà soát lại số liệu ngày hôm qua' });
    expect(applied.body).toMatchObject({ applied: 2, unchanged: 1, duplicates: answer.body.cells.length - 3 });
    const after = await values('445');
    for (const u of thachHa) {
      for (const m of METRICS) {
        const expected = before.get(u.code)![m].value + (u === thachHa[1] && m === 'cccd_intake' ? -5 : u === thachHa[2] && m === 'eid2_intake' ? 7 : 0);
        expect(after.get(u.code)![m].value).toBe(expected);
      }
    }
    const audit = await people.get('admin')!.request<AuditPage>('GET', `/api/v1/audit?kind=count.import&unit=${thachHa[1].code}`);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'count.import', unit: thachHa[1].code, reason: 'Huyện rà soát lại số liệu ngày hôm qua',
      before: { value: base(1)[0] + gain(1)[0] }, after: { value: base(1)[0] + gain(1)[0] - 5, file: 'bao-cao-ngay-sua.xlsx', row: 'Thạch Hà!6' },
    });
  });

  it('takes today\'s counts at the moment they are read, and holds an implausible amount until confirmed', async () => {
    const file = csvSheet(['Mã xã', 'Tên xã', 'CCCD trong ngày'], [[thachHa[0].code, thachHa[0].name, 25], [thachHa[3].code, thachHa[3].name, 4000]]);
    const withTitle = new Uint8Array([...new TextEncoder().encode(`\ufeffBáo cáo nhanh ngày ${formatDate(today())}\r\n`), ...file.slice(3)]);
    const before = await values('445');
    const started = Date.now();
    const answer = await upload('admin', withTitle, 'name=hom-nay.csv');
    expect(answer.status).toBe(200);
    expect(answer.body.date).toBe(today());
    expect(Date.parse(answer.body.asOf)).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 - 1000);
    expect(answer.body.needsConfirmation).toBe(true);
    expect(answer.body.cells.find((c) => c.unit === thachHa[3].code)!.implausible).toMatch(/^\+4000 is more than 25% of its target \d+ \(at most \d+ at once\)$/);
    const held = await confirm('admin', answer.body.importId);
    expect(held.status).toBe(422);
    expect(held.body.message).toMatch(/^confirmed: 1 amount is implausible \(row 4 .*"confirmed": true$/);
    expect((await confirm('admin', answer.body.importId, { confirmed: true })).body).toMatchObject({ applied: 2 });
    const after = await values('445');
    expect(after.get(thachHa[0].code)!.cccd_intake.today - before.get(thachHa[0].code)!.cccd_intake.today).toBe(25);
    expect(after.get(thachHa[3].code)!.cccd_intake.value - before.get(thachHa[3].code)!.cccd_intake.value).toBe(4000);
  });

  it('leaves out, with the reason, the rows outside the sender\'s unit, and refuses who may not report', async () => {
    const chief = await upload('chief', d1, 'name=bao-cao-ngay.xlsx');
    expect(chief.status).toBe(200);
    expect(chief.body.problems.filter((p) => p.message.includes('outside your unit 445'))).toHaveLength(canLoc.length);
    expect(chief.body.cells.every((c) => thachHa.some((u) => u.code === c.unit))).toBe(true);
    expect(chief.body.missing).toEqual([{ unit: thachHa.at(-1)!.code, unitName: thachHa.at(-1)!.fullName }]);
    expect((await upload('leadership', d1, 'name=x.xlsx')).status).toBe(403);
    const display = await fetch(`${server.url}${CAMPAIGN}/counts/import?name=x.xlsx`, {
      method: 'POST', headers: { authorization: `Bearer ${server.keys.display}`, 'content-type': 'application/octet-stream' }, body: d1 as unknown as BodyInit,
    });
    expect(display.status).toBe(403);
  });

  it('answers a bad file, a day that disagrees with the title and an unknown import with their reasons', async () => {
    expect((await upload('admin', new TextEncoder().encode('hello'), 'name=a.xlsx')).body.message).toMatch(/^file: "a.xlsx" is not an XLSX workbook/);
    const disagree = await upload('admin', d1, `name=a.xlsx&date=${D0()}`);
    expect(disagree).toMatchObject({ status: 422, body: { message: `date: the sheet's title says ${D1()}, not ${D0()}; check which day the figures are for` } });
    expect((await upload('admin', d1, 'name=a.xlsx&kind=month')).status).toBe(400);
    expect((await confirm('admin', 'nothing-here')).status).toBe(404);
    const fresh = await upload('admin', d1, 'name=a.xlsx');
    expect((await confirm('admin', fresh.body.importId, { reason: 'x'.repeat(501) })).status).toBe(400);
  });
});

describe('the progress table', () => {
  it('is the scope\'s children ranked, on a past day, with the day\'s gains', async () => {
    const answer = await get<ProgressTable[]>(server.url, `${CAMPAIGN}/table?scope=445&date=${D1()}&metric=cccd_intake`, server.keys.display);
    expect(answer.status).toBe(200);
    const [table] = answer.body;
    expect(table).toMatchObject({ date: D1(), live: false, scope: { code: '445', name: 'Huyện Thạch Hà' }, metric: { key: 'cccd_intake' } });
    expect(table.rows.map((r) => r.rank)).toEqual(thachHa.map((_, i) => i + 1));
    const progress = table.rows.map((r) => r.value / r.target);
    expect(progress).toEqual([...progress].sort((a, b) => b - a));
    const day = await values('445', D1());
    for (const r of table.rows) expect([r.value, r.today]).toEqual([day.get(r.unit)!.cccd_intake.value, day.get(r.unit)!.cccd_intake.today]);
    expect(table.total.value).toBe(table.rows.reduce((a, r) => a + r.value, 0));
    expect(table.milestones.map((m) => m.name)).toEqual(['Cam kết của Giám đốc', 'Mốc Bộ giao']);
    expect(table.total.needs.every((n) => typeof n === 'number' && n > 0)).toBe(true);
  });

  it('exports an XLSX where numbers stay numbers: merged headers, number formats, a sheet per metric', async () => {
    const response = await fetch(`${server.url}${CAMPAIGN}/export?scope=445&date=${D1()}`, { headers: { authorization: `Bearer ${server.keys.display}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename=tien-do-445-${D1()}.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['CCCD', 'ĐDĐT thu nhận', 'ĐDĐT kích hoạt']);
    const ws = workbook.worksheets[0];
    expect(ws.getCell('A1').value).toBe('TIẾN ĐỘ THU NHẬN CCCD GẮN CHIP — HUYỆN THẠCH HÀ');
    expect(ws.getCell('A2').value).toMatch(new RegExp(`Số liệu đến hết ngày ${formatDate(D1())}`));
    expect([4, 5].map((r) => ws.getRow(r).values)).toEqual([
      [undefined, 'STT', 'Đơn vị', 'Chỉ tiêu', 'Thực hiện', 'Tỷ lệ', 'Còn lại', `Trong ngày ${formatDate(D1(), 'vi-VN', true)}`, 'Cần/ngày để kịp mốc', 'Cần/ngày để kịp mốc', 'Về đích', 'Về đích', 'Về đích'],
      [undefined, 'STT', 'Đơn vị', 'Chỉ tiêu', 'Thực hiện', 'Tỷ lệ', 'Còn lại', `Trong ngày ${formatDate(D1(), 'vi-VN', true)}`, expect.stringMatching(/^Cam kết của Giám đốc \(\d\d\/\d\d\/\d{4}\)$/), expect.stringMatching(/^Mốc Bộ giao/), 'Ngày', 'Thứ tự', 'Dự kiến'],
    ]);
    const first = ws.getRow(6);
    expect(first.getCell(1).value).toBe(1);
    for (const c of [3, 4, 6, 7, 8, 9]) {
      expect(typeof first.getCell(c).value).toBe('number');
      expect(first.getCell(c).numFmt).toBe('#,##0');
    }
    expect(first.getCell(5).numFmt).toBe('0.0%');
    expect(first.getCell(5).value).toBeGreaterThan(0);
    expect(first.getCell(5).value).toBeLessThan(1);
    expect(first.getCell(12).value).toBeInstanceOf(Date);
    expect(first.getCell(12).numFmt).toBe('dd/mm/yyyy');
    const last = ws.getRow(6 + thachHa.length);
    expect(last.getCell(2).value).toBe('Tổng cộng');
  });

  it('exports a CSV of one metric with plain numbers', async () => {
    const response = await fetch(`${server.url}${CAMPAIGN}/export?scope=445&date=${D1()}&metric=eid2_intake&format=csv`, { headers: { authorization: `Bearer ${server.keys.display}` } });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('STT,Đơn vị,Chỉ tiêu,Thực hiện,Tỷ lệ (%),Còn lại,Trong ngày')).toBe(true);
    const lines = text.trim().split('\r\n').map((l) => l.split(','));
    expect(lines).toHaveLength(1 + thachHa.length + 1);
    expect(lines[1][0]).toBe('1');
    expect(lines[1].slice(2, 4).every((n) => /^\d+$/.test(n))).toBe(true);
    expect(lines[1][4]).toMatch(/^\d+\.\d$/);
    expect(lines.at(-1)!.slice(0, 2)).toEqual(['', 'Tổng cộng']);
    expect((await fetch(`${server.url}${CAMPAIGN}/export?scope=445&format=pdf`)).status).toBe(400);
    expect((await fetch(`${server.url}${CAMPAIGN}/export?scope=445&metric=x`)).status).toBe(422);
  });
});

describe('notes on the timeline', () => {
  const note = (who: string, body: Record<string, unknown>) => people.get(who)!.request<NoteInfo & { message?: string }>('POST', `${CAMPAIGN}/notes`, body);
  let chiefs: NoteInfo;

  it('are pinned by leadership or a chief within their unit, and by no one else', async () => {
    const made = await note('chief', { unit: thachHa[0].code, from: D0(), to: D1(), text: 'Mất điện diện rộng, tạm dừng thu nhận' });
    expect(made.status).toBe(201);
    chiefs = made.body;
    expect(chiefs).toMatchObject({ unit: thachHa[0].code, unitName: thachHa[0].fullName, from: D0(), to: D1(), author: 'Trưởng Công an huyện Thạch Hà' });
    expect((await note('leadership', { unit: '42', from: D1(), to: addDays(today(), 5), text: 'Cao điểm 30 ngày đêm' })).status).toBe(201);
    expect((await note('officer', { unit: thachHa[0].code, from: D0(), to: D1(), text: 'x' })).status).toBe(403);
    expect((await note('chief', { unit: canLoc[0].code, from: D0(), to: D1(), text: 'x' })).body.message).toBe(`unit: ${canLoc[0].code} is outside your unit 445`);
    expect((await note('chief', { unit: thachHa[0].code, from: D1(), to: D0(), text: 'x' })).body.message).toBe('to: must not be before from');
    const byKey = await fetch(`${server.url}${CAMPAIGN}/notes`, { method: 'POST', headers: { authorization: `Bearer ${server.keys.display}`, 'content-type': 'application/json' }, body: '{}' });
    expect(byKey.status).toBe(403);
  });

  it('are served with a unit\'s series: its own, those above it and those below it', async () => {
    const list = async (query: string) => (await get<NoteInfo[]>(server.url, `${CAMPAIGN}/notes?${query}`, server.keys.display)).body.map((n) => n.unit);
    expect(await list('unit=445')).toEqual([thachHa[0].code, '42']);
    expect(await list(`unit=${thachHa[0].code}`)).toEqual([thachHa[0].code, '42']);
    expect(await list('unit=443')).toEqual(['42']);
    expect(await list(`unit=445&date=${today()}`)).toEqual(['42']);
  });

  it('are taken down with a reason, and the audit trail keeps both', async () => {
    const chief = people.get('chief')!;
    expect((await chief.request('DELETE', `${CAMPAIGN}/notes/${chiefs.id}`, {})).status).toBe(400);
    expect((await people.get('officer')!.request('DELETE', `${CAMPAIGN}/notes/${chiefs.id}`, { reason: 'x' })).status).toBe(403);
    expect((await chief.request('DELETE', `${CAMPAIGN}/notes/${chiefs.id}`, { reason: 'Ghi nhầm ngày' })).status).toBe(204);
    expect((await chief.request('DELETE', `${CAMPAIGN}/notes/${chiefs.id}`, { reason: 'again' })).status).toBe(404);
    const audit = (await people.get('admin')!.request<AuditPage>('GET', '/api/v1/audit?kind=note')).body.entries;
    expect(audit.filter((e) => e.entityId === String(chiefs.id)).map((e) => [e.action, e.reason])).toEqual([['note.delete', 'Ghi nhầm ngày'], ['note.create', null]]);
    // Put back for the evening report.
    chiefs = (await people.get('chief')!.request<NoteInfo>('POST', `${CAMPAIGN}/notes`, { unit: thachHa[0].code, from: D0(), to: D1(), text: 'Mất điện diện rộng, tạm dừng thu nhận' })).body;
  });
});

describe('the evening report', () => {
  it('gives a day\'s figures, milestones, silent communes, corrections and notes', async () => {
    const answer = await get<EveningReport>(server.url, `${CAMPAIGN}/report?scope=445&date=${D1()}`, server.keys.display);
    expect(answer.status).toBe(200);
    const report = answer.body;
    expect(report).toMatchObject({ date: D1(), live: false, scope: { code: '445', level: 'district' }, childLevel: 'commune', communes: thachHa.length });
    expect(report.metrics.map((m) => m.key)).toEqual([...METRICS]);
    expect(report.metrics[0].table.rows).toHaveLength(thachHa.length);
    expect(report.silent).toEqual([{ unit: thachHa.at(-1)!.code, unitName: thachHa.at(-1)!.fullName, parentName: null }]);
    expect(report.corrections).toEqual([expect.objectContaining({
      unit: thachHa[1].code, metric: 'cccd_intake', delta: -5, reason: 'Huyện rà soát lại số liệu ngày hôm qua', by: 'Quản trị hệ thống',
    })]);
    expect(report.notes.map((n) => n.text)).toEqual(['Mất điện diện rộng, tạm dừng thu nhận', 'Cao điểm 30 ngày đêm']);
    const commitment = report.milestones.find((m) => m.name === 'Cam kết của Giám đốc')!;
    expect(commitment.metrics.map((m) => m.metric)).toEqual(['cccd_intake']);
    expect(commitment.daysLeft).toBeGreaterThan(0);
    expect(commitment.metrics[0].required).toBe(report.metrics[0].table.total.needs[0]);

    const live = (await get<EveningReport>(server.url, `${CAMPAIGN}/report?scope=42`, server.keys.display)).body;
    expect(live).toMatchObject({ date: today(), live: true, childLevel: 'district' });
    expect(live.metrics[0].table.rows).toHaveLength(13);
  });
});
