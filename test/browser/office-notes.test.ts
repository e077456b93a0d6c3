/**
 * Pinning notes from the office page in real Chromium: the chief of Thạch Hà picks a unit of
 * the district (and only of it), a date range and what happened; the note is listed and drawn as
 * a band on the commune's pace chart and on its district's; taking it down asks for a reason,
 * and the chart and the list no longer show it. A commune officer sees no notes form.
 * Screenshots: test/artifacts/office-notes.png, office-note-band.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate, type NoteInfo, type Snapshot } from '@tiendo/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { get } from '../helpers/api.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const TZ = 'Asia/Ho_Chi_Minh';
const DISTRICT = '445';
const COMMUNE = '18586';
const TEXT = 'Mất điện lưới, tổ thu nhận lưu động tạm dừng';
type Person = { login: string; password: string };

describe.skipIf(!hasChromium)('notes pinned from the office page in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let people: Record<string, Person>;
  let browser: BrowserContext & { dispose(): Promise<void> };
  let page: Page;
  const today = localDate(Date.now(), TZ);
  const from = addDays(today, -2);

  async function signIn(who: Person): Promise<void> {
    const answer = await page.request.post(`${server.url}/api/v1/session`, { data: { login: who.login, password: who.password }, headers: { origin: server.url } });
    expect(answer.status()).toBe(200);
  }

  beforeAll(async () => {
    server = await startServer();
    people = JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')) as Record<string, Person>;
    browser = await launch({ width: 1440, height: 1100 });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.dispose();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  const bands = () => page.locator('[data-testid=note-band] title').allTextContents();

  it('pins a note to a commune of the chief\'s district, for a date range, and lists it', async () => {
    await signIn(people.chief);
    await page.goto(`${server.url}/office`);
    const panel = page.getByTestId('notes-panel');
    await panel.waitFor();
    const { body } = await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${DISTRICT}`, server.keys.display);
    const offered = await panel.locator('select[name=unit] option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered.sort()).toEqual(body.units.map((u) => u.code).sort());
    expect(await panel.locator('select[name=unit]').inputValue()).toBe(DISTRICT);

    await panel.locator('select[name=unit]').selectOption(COMMUNE);
    await panel.locator('input[name=from]').fill(from);
    await panel.locator('input[name=to]').fill(today);
    await panel.getByRole('button', { name: 'Ghim ghi chú' }).click();
    expect(await panel.locator('[role=alert]').textContent()).toBe('Ghi nội dung ghi chú.');
    await panel.locator('textarea[name=text]').fill(TEXT);
    await panel.getByRole('button', { name: 'Ghim ghi chú' }).click();
    const range = `${from.slice(8)}/${from.slice(5, 7)}/${from.slice(0, 4)} – ${today.slice(8)}/${today.slice(5, 7)}/${today.slice(0, 4)}`;
    await expect.poll(() => panel.locator('[role=status]').textContent()).toBe(`Đã ghim ghi chú cho Xã Thạch Kênh, ${range}.`);
    const row = panel.locator('li', { hasText: TEXT });
    expect(await row.textContent()).toMatch(new RegExp(`${range}\\s*Xã Thạch Kênh\\s*${TEXT}\\s*Trưởng Công an huyện Thạch Hà`));
    const { body: stored } = await get<NoteInfo[]>(server.url, `/api/v1/campaigns/ha-tinh/notes?unit=${COMMUNE}`, server.keys.display);
    expect(stored.map((n) => [n.unit, n.from, n.to, n.text])).toEqual([[COMMUNE, from, today, TEXT]]);
    await page.screenshot({ path: artifact('office-notes.png'), fullPage: true });
  });

  it('shows the note as a band on the commune\'s pace chart and on its district\'s', async () => {
    await page.getByTestId('notes-panel').getByRole('link', { name: 'Xã Thạch Kênh' }).click();
    await page.waitForURL(`**/commune/${COMMUNE}`);
    await expect.poll(bands, { timeout: 20_000 }).toEqual([expect.stringContaining(TEXT)]);
    expect(await page.locator('[data-testid=day-note]').allTextContents()).toEqual([`Xã Thạch Kênh: ${TEXT}`]);
    await page.locator('.chart').first().screenshot({ path: artifact('office-note-band.png') });
    await page.goto(`${server.url}/district/${DISTRICT}`);
    await expect.poll(bands, { timeout: 20_000 }).toEqual([expect.stringContaining(TEXT)]);
  });

  it('takes the note down with a reason, and the chart no longer shows it', async () => {
    await page.goto(`${server.url}/office`);
    const panel = page.getByTestId('notes-panel');
    const row = panel.locator('li', { hasText: TEXT });
    await row.getByRole('button', { name: 'Gỡ…' }).click();
    await row.getByRole('button', { name: 'Gỡ ghi chú' }).click();
    expect(await panel.locator('[role=alert]').textContent()).toBe('Ghi lý do gỡ ghi chú.');
    await row.getByLabel('Lý do gỡ ghi chú').fill('Ghi nhầm ngày');
    await row.getByRole('button', { name: 'Gỡ ghi chú' }).click();
    await expect.poll(() => panel.locator('li', { hasText: TEXT }).count()).toBe(0);
    expect(await panel.locator('[role=status]').textContent()).toBe(`Đã gỡ ghi chú “${TEXT}”.`);
    const { body: left } = await get<NoteInfo[]>(server.url, `/api/v1/campaigns/ha-tinh/notes?unit=${COMMUNE}`, server.keys.display);
    expect(left).toEqual([]);
    await page.goto(`${server.url}/commune/${COMMUNE}`);
    // The series and the notes arrive together: once the line is drawn, the notes are those of now.
    await expect.poll(() => page.locator('[data-testid=actual]').first().getAttribute('d').then((d) => (d ?? '').length), { timeout: 20_000 }).toBeGreaterThan(20);
    expect(await bands()).toEqual([]);
  });

  it('offers no notes form to a commune officer', async () => {
    await signIn(people.officer);
    await page.goto(`${server.url}/office`);
    await page.locator('h1', { hasText: 'Văn phòng' }).waitFor();
    await page.locator('[data-testid=count-file]').waitFor();
    expect(await page.getByTestId('notes-panel').count()).toBe(0);
  });
});
