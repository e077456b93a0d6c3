/**
 * The office's pages in real Chromium: the evening report of the province and of a district, as
 * printed (print media, then a PDF: one A4 page, controls left out), with the figures the
 * server holds, silent communes, a correction and a note; and the office page reading a day's
 * sheet, showing what it would change and what it cannot read, then applying it.
 * Screenshots: test/artifacts/print-*.png, office-import-*.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatCount, formatProgress, localDate, type EveningReport, type Snapshot } from '@tiendo/shared';
import type { Page } from 'playwright-core';
import { get, post } from '../helpers/api.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { Session } from '../helpers/production.js';
import { seedProgress } from '../helpers/seed.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';
import { countWorkbook, spelt, type CountRow } from '../helpers/sheets.js';

const TZ = 'Asia/Ho_Chi_Minh';
/** Printable area of A4 with the report's page margins (10 mm, 9 mm), in CSS pixels. */
const A4_AREA = { width: Math.round(((210 - 20) / 25.4) * 96), height: Math.round(((297 - 18) / 25.4) * 96) };

describe.skipIf(!hasChromium)('the office in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let seeded: Snapshot;
  const quiet = new Set<string>();
  const people: Record<string, { login: string; password: string }> = {};

  beforeAll(async () => {
    server = await startServer();
    const units = (await get<Snapshot>(server.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=42', server.keys.display)).body.units;
    // A few communes of two districts send nothing today.
    for (const u of units.filter((x) => x.parent === '445').slice(4, 7)) quiet.add(u.code);
    for (const u of units.filter((x) => x.parent === '444').slice(0, 2)) quiet.add(u.code);
    seeded = await seedProgress(server, quiet);
    Object.assign(people, JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')));
    const correction = await post(server.url, '/api/v1/events', server.keys.ingest, { events: [{
      id: `print-correction-${Date.now()}`, campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18586', delta: -12,
      occurredAt: new Date().toISOString(), reason: 'Trùng hồ sơ đã nhập hôm trước',
    }] });
    expect(correction.status).toBe(200);
    const leadership = new Session(server.url);
    await leadership.signIn(people.leadership.login, people.leadership.password);
    const today = localDate(Date.now(), TZ);
    const note = await leadership.request('POST', '/api/v1/campaigns/ha-tinh/notes', {
      unit: '445', from: addDays(today, -2), to: addDays(today, 3), text: 'Mưa lớn, tổ lưu động tạm dừng đi các thôn vùng trũng',
    });
    expect(note.status).toBe(201);
    const past = await leadership.request('POST', '/api/v1/campaigns/ha-tinh/notes', {
      unit: '18586', from: addDays(today, -3), to: addDays(today, -1), text: 'Mất điện lưới, máy thu nhận không chạy',
    });
    expect(past.status).toBe(201);
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  /** The report as printed: print media, the printable width of A4; its PDF and its number of pages. */
  async function printed(page: Page, name: string): Promise<{ pages: number }> {
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize(A4_AREA);
    expect(await page.locator('.controls').isVisible()).toBe(false);
    await page.screenshot({ path: artifact(`${name}.png`), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(artifact(`${name}.pdf`), pdf);
    return { pages: pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0 };
  }

  async function openReport(path: string): Promise<{ page: Page; report: EveningReport; dispose(): Promise<void> }> {
    const browser = await launch({ width: 1100, height: 1500 });
    const page = await browser.newPage();
    await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}key=${server.keys.display}`);
    await page.waitForSelector('[data-testid=evening-report]');
    const [, campaign, scope, query] = /^\/print\/([^/]+)\/([^/?]+)\??(.*)$/.exec(path)!;
    const report = (await get<EveningReport>(server.url, `/api/v1/campaigns/${campaign}/report?scope=${scope}&${query}`, server.keys.display)).body;
    await expect.poll(() => page.locator('[data-testid=map-units] path').count(), { timeout: 10_000 }).toBe(report.metrics[0].table.rows.length);
    return { page, report, dispose: () => browser.dispose() };
  }

  it('prints the province\'s evening report on one A4 page, with the figures the server holds', async () => {
    const { page, report, dispose } = await openReport('/print/ha-tinh/42');
    try {
      const province = seeded.values.find((v) => v.code === '42')!;
      expect(await page.locator('[data-testid=headline-value]').allTextContents()).toEqual(
        report.metrics.map((m) => formatCount(m.table.total.value)));
      expect(report.metrics[1].table.total.value).toBe(province.metrics.eid2_intake.value);
      const rows = await page.locator('[data-testid=report-rank-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      expect(rows).toEqual(report.metrics[0].table.rows.map((r) => r.unit));
      expect(rows).toHaveLength(13);
      const first = report.metrics[0].table.rows[0];
      expect(await page.locator('[data-testid=report-rank-row]').first().textContent()).toContain(formatProgress(first.value, first.target));
      const silent = await page.locator('[data-testid=silent] li').allTextContents();
      expect(silent).toHaveLength(quiet.size);
      expect(report.silent.map((s) => s.unit).sort()).toEqual([...quiet].sort());
      expect(await page.locator('[data-testid=corrections]').textContent()).toContain('Trùng hồ sơ đã nhập hôm trước');
      expect(await page.locator('[data-testid=notes]').textContent()).toContain('Mưa lớn');
      expect(await page.locator('[data-testid=countdown]').count()).toBe(report.milestones.length);
      const { pages } = await printed(page, 'print-report-42');
      expect(pages).toBe(1);
    } finally {
      await dispose();
    }
  });

  it('prints a district\'s report of a past day with its communes ranked, on one page', async () => {
    const yesterday = addDays(localDate(Date.now(), TZ), -1);
    const { page, report, dispose } = await openReport(`/print/ha-tinh/445?date=${yesterday}`);
    try {
      expect(report).toMatchObject({ live: false, childLevel: 'commune' });
      expect(await page.locator('.day').textContent()).toBe(`Ngày ${yesterday.slice(8)}/${yesterday.slice(5, 7)}/${yesterday.slice(0, 4)}`);
      expect(await page.locator('[data-testid=report-rank-row]').count()).toBe(report.metrics[0].table.rows.length);
      const { pages } = await printed(page, 'print-report-445');
      expect(pages).toBe(1);
    } finally {
      await dispose();
    }
  });

  it('shows notes on the pace chart as bands, and those of the day shown in its legend, live and in history', async () => {
    const browser = await launch({ width: 1920, height: 1080 });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/district/445?key=${server.keys.display}`);
      const bands = page.locator('[data-testid=note-band] title');
      await expect.poll(() => bands.allTextContents(), { timeout: 10_000 }).toEqual([
        expect.stringContaining('Mất điện lưới'), expect.stringContaining('Mưa lớn, tổ lưu động tạm dừng'),
      ]);
      const dayNotes = () => page.locator('[data-testid=day-note]').allTextContents();
      expect(await dayNotes()).toEqual(['Huyện Thạch Hà: Mưa lớn, tổ lưu động tạm dừng đi các thôn vùng trũng']);
      await page.getByRole('button', { name: 'Lịch sử' }).click();
      await expect.poll(dayNotes, { timeout: 10_000 }).toEqual([
        'Xã Thạch Kênh: Mất điện lưới, máy thu nhận không chạy', 'Huyện Thạch Hà: Mưa lớn, tổ lưu động tạm dừng đi các thôn vùng trũng',
      ]);
      await page.locator('.chart').first().screenshot({ path: artifact('pace-chart-notes.png') });
    } finally {
      await browser.dispose();
    }
  });

  it('previews a day\'s sheet on the office page, then applies it', async () => {
    const browser = await launch({ width: 1440, height: 1400 });
    try {
      const page = await browser.newPage();
      const signIn = await page.request.post(`${server.url}/api/v1/session`, { data: { login: people.admin.login, password: people.admin.password } });
      expect(signIn.status()).toBe(200);
      const now = (await get<Snapshot>(server.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=445', server.keys.display)).body;
      const communes = now.units.filter((u) => u.parent === '445');
      const today = localDate(Date.now(), TZ);
      const rows = communes.map((u, i): CountRow => {
        const m = now.values.find((v) => v.code === u.code)!.metrics;
        // What happened since the morning's report: a few more each.
        const more = [12 + (i % 7) * 3, 8 + (i % 5) * 2, 5 + (i % 4) * 2];
        const keys = ['cccd_intake', 'eid2_intake', 'eid2_activation'] as const;
        return {
          code: i % 3 === 0 ? u.code : null, name: spelt(u.fullName, u.name, i),
          figures: keys.flatMap((k, j) => [m[k].today + more[j], m[k].value + more[j]]),
        };
      });
      rows[5].figures[5] = '12a';
      rows[8].figures[1] = (rows[8].figures[1] as number) - 40;
      rows[8].figures[0] = (rows[8].figures[0] as number) - 40;
      rows.push({ code: null, name: 'Xã Thạch Không Có', figures: [1, 1, 1, 1, 1, 1] });
      const file = await countWorkbook([{
        name: 'Thạch Hà', title: `BÁO CÁO KẾT QUẢ THU NHẬN CCCD VÀ ĐỊNH DANH ĐIỆN TỬ NGÀY ${Number(today.slice(8))}/${Number(today.slice(5, 7))}/${today.slice(0, 4)} — HUYỆN THẠCH HÀ`,
        metrics: ['Thu nhận CCCD', 'Thu nhận ĐDĐT', 'Kích hoạt ĐDĐT'], rows,
      }]);

      await page.goto(`${server.url}/office`);
      await page.locator('[data-testid=count-file]').setInputFiles({ name: 'bao-cao-ngay-thach-ha.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from(file) });
      await page.getByRole('button', { name: 'Xem trước' }).click();
      await page.waitForSelector('[data-testid=import-preview]');
      const problems = await page.locator('[data-testid=import-problems] tbody tr').allTextContents();
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^10I "Kích hoạt ĐDĐT · Lũy kế"“12a” không phải là số/);
      expect(problems[1]).toContain('không có xã nào của chiến dịch tên “Xã Thạch Không Có”');
      expect(await page.locator('[data-testid=import-line]').count()).toBe(communes.length);
      await expect.poll(() => page.getByRole('button', { name: /^Áp dụng/ }).isDisabled()).toBe(true);
      await page.screenshot({ path: artifact('office-import-preview.png'), fullPage: true });

      await page.getByRole('textbox', { name: /^Lý do điều chỉnh/ }).fill('Xã Thạch Sơn báo lại số liệu sau khi rà soát');
      await page.getByRole('button', { name: /^Áp dụng/ }).click();
      await expect.poll(() => page.locator('[data-testid=import-result]').textContent(), { timeout: 10_000 })
        .toMatch(/^\s*Đã áp dụng \d+ thay đổi/);
      await page.screenshot({ path: artifact('office-import-applied.png') });
      const after = (await get<Snapshot>(server.url, '/api/v1/campaigns/ha-tinh/snapshot?scope=445', server.keys.display)).body;
      const thachKenh = communes.findIndex((u) => u.code === '18586');
      expect(after.values.find((v) => v.code === '18586')!.metrics.cccd_intake.value).toBe(rows[thachKenh].figures[1]);
    } finally {
      await browser.dispose();
    }
  });
});
