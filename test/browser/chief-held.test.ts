/**
 * Records held by the plausibility rule, in real Chromium at 390×844, with two phones: the
 * officer of Thạch Kênh enters amounts far beyond the commune's limit, and the phone shows them
 * awaiting the chief with the limit they broke, uncounted; the chief of Thạch Hà sees them first
 * on /don-doc with the commune, amount, instant, sender and limit, confirms one (counted at once,
 * and the officer's phone shows it counted), rejects one with a reason (the officer reads it),
 * and is told who decided the third first when leadership got there before; a chief's phone back
 * on the network reads the list at once, and a page left open reads it every 15 s. Nothing scrolls
 * sideways.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, HeldList, Snapshot } from '@tiendo/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { get } from '../helpers/api.js';
import { Session } from '../helpers/production.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const COMMUNE = '18586';
type Person = { login: string; password: string };
type Phone = BrowserContext & { dispose(): Promise<void> };

describe.skipIf(!hasChromium)('held records between the officer\'s phone and the chief\'s in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let people: Record<string, Person>;
  let officerPhone: Phone;
  let chiefPhone: Phone;
  let officer: Page;
  let chief: Page;
  let start: number;

  async function phone(who: Person): Promise<{ context: Phone; page: Page }> {
    const context = await launch({ width: 390, height: 844 });
    const signIn = await context.request.post(`${server.url}/api/v1/session`, { data: { login: who.login, password: who.password }, headers: { origin: server.url } });
    expect(signIn.status()).toBe(200);
    return { context, page: await context.newPage() };
  }

  beforeAll(async () => {
    server = await startServer();
    people = JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')) as Record<string, Person>;
    ({ context: officerPhone, page: officer } = await phone(people.officer));
    ({ context: chiefPhone, page: chief } = await phone(people.chief));
  });

  afterAll(async () => {
    await officerPhone?.dispose();
    await chiefPhone?.dispose();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  /** The commune's value as the server counts it. */
  async function counted(): Promise<number> {
    const { body } = await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${COMMUNE}`, server.keys.display);
    return body.values.find((v) => v.code === COMMUNE)!.metrics.cccd_intake.value;
  }

  async function noSidewaysScroll(page: Page): Promise<void> {
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
  }

  const queued = (amount: string) => officer.locator('.queue li', { hasText: amount });

  async function enter(amount: number, source: string): Promise<void> {
    const form = officer.locator('form.entry');
    const kept = await officer.locator('.queue li').count();
    await form.locator('input[name=amount]').fill(String(amount));
    await form.locator('input[name=source]').fill(source);
    await form.getByRole('button', { name: 'Ghi nhận' }).click();
    await expect.poll(() => officer.locator('.queue li').count()).toBe(kept + 1);
    await expect.poll(() => form.locator('input[name=amount]').inputValue()).toBe('');
  }

  it('shows the officer\'s implausible amounts awaiting the chief, with the limit, and counts none of them', async () => {
    await officer.goto(`${server.url}/bao-cao`);
    await officer.locator('.card[data-metric=cccd_intake]').waitFor();
    start = await counted();
    await enter(5000, 'Tổ lưu động số 2');
    await enter(6000, 'Tổ lưu động số 3');
    await enter(7000, 'Điểm thu nhận tại trụ sở');
    for (const amount of ['+5.000', '+6.000', '+7.000']) {
      await expect.poll(() => queued(amount).getAttribute('data-state'), { timeout: 30_000 }).toBe('held');
    }
    expect(await queued('+5.000').locator('.state').textContent()).toBe('Chờ xác nhận');
    expect(await queued('+5.000').locator('.message').textContent()).toMatch(/quá [\d.]+ một lần: hơn 25% chỉ tiêu [\d.]+\)\. Chưa được tính: chờ chỉ huy xác nhận\./);
    expect(await counted()).toBe(start);
    expect(await officer.locator('.card[data-metric=cccd_intake] strong').first().textContent()).toBe(start.toLocaleString('vi-VN'));
    await noSidewaysScroll(officer);
    await officer.screenshot({ path: artifact('held-officer-waiting.png'), fullPage: true });
  });

  it('lists them first on the chief\'s page, with commune, amount, instant, sender and the limit broken', async () => {
    await chief.goto(`${server.url}/don-doc`);
    const items = chief.locator('section.held li');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(3);
    expect(await chief.locator('section.held h2').textContent()).toMatch(/^Số liệu chờ xác nhận\s*\(3\)$/);
    // Above the silent communes.
    const [heldTop, hoursTop] = await Promise.all([chief.locator('section.held').boundingBox(), chief.locator('label.hours').boundingBox()]);
    expect(heldTop!.y).toBeLessThan(hoursTop!.y);
    const first = await items.first().textContent();
    expect(first).toMatch(/Xã Thạch Kênh\s*\+5\.000\s*CCCD/);
    expect(first).toMatch(/Số liệu lúc \d\d:\d\d · gửi lúc \d\d:\d\d/);
    expect(first).toMatch(/Cán bộ Công an xã Thạch Kênh · Tổ lưu động số 2/);
    expect(first).toMatch(/Vượt ngưỡng: quá [\d.]+ một lần \(hơn 25% chỉ tiêu [\d.]+\)/);
    await noSidewaysScroll(chief);
    await chief.screenshot({ path: artifact('chief-held.png'), fullPage: true });
  });

  it('confirmed by the chief, is counted at once, and the officer\'s phone shows it counted', async () => {
    await chief.locator('section.held li', { hasText: '+5.000' }).getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => chief.locator('section.held li').count()).toBe(2);
    expect(await chief.locator('p[role=status]').textContent()).toBe('Đã xác nhận +5.000 CCCD của Xã Thạch Kênh.');
    await expect.poll(counted, { timeout: 10_000 }).toBe(start + 5000);

    await expect.poll(() => queued('+5.000').getAttribute('data-state'), { timeout: 40_000 }).toBe('recorded');
    expect(await queued('+5.000').locator('.message').textContent()).toBe('Đã được Trưởng Công an huyện Thạch Hà xác nhận.');
    await expect.poll(() => officer.locator('.card[data-metric=cccd_intake] strong').first().textContent(), { timeout: 30_000 })
      .toBe((start + 5000).toLocaleString('vi-VN'));
    expect(await officer.locator('.today li', { hasText: '+5.000' }).textContent()).toMatch(/Tổ lưu động số 2 · Cán bộ Công an xã Thạch Kênh/);
    await noSidewaysScroll(officer);
    await officer.screenshot({ path: artifact('held-officer-counted.png'), fullPage: true });
  });

  it('rejected by the chief with a reason, is never counted, and the officer reads why', async () => {
    const item = chief.locator('section.held li', { hasText: '+6.000' });
    await item.getByRole('button', { name: 'Từ chối…' }).click();
    await item.getByRole('button', { name: 'Gửi từ chối' }).click();
    expect(await item.locator('[role=alert]').textContent()).toBe('Ghi lý do từ chối: cán bộ xã sẽ đọc lý do này.');
    await item.locator('textarea[name=reason]').fill('Tổ 3 chỉ thu 600 hồ sơ, nhập thừa một số 0');
    await noSidewaysScroll(chief);
    await item.getByRole('button', { name: 'Gửi từ chối' }).click();
    await expect.poll(() => chief.locator('section.held li').count()).toBe(1);
    expect(await chief.locator('p[role=status]').textContent()).toBe('Đã từ chối +6.000 CCCD của Xã Thạch Kênh.');

    await expect.poll(() => queued('+6.000').getAttribute('data-state'), { timeout: 40_000 }).toBe('refused');
    expect(await queued('+6.000').locator('.message').textContent()).toBe('Trưởng Công an huyện Thạch Hà đã từ chối: Tổ 3 chỉ thu 600 hồ sơ, nhập thừa một số 0');
    expect(await counted()).toBe(start + 5000);
  });

  it('tells the chief who decided first when leadership got there before', async () => {
    const leadership = new Session(server.url);
    await leadership.signIn(people.leadership.login, people.leadership.password);
    const { body } = await leadership.request<HeldList>('GET', '/api/v1/campaigns/ha-tinh/held?scope=445');
    expect(body.held.map((h) => h.delta)).toEqual([7000]);
    expect((await leadership.request('POST', `/api/v1/campaigns/ha-tinh/held/${body.held[0].id}/reject`, { reason: 'Trùng với báo cáo của huyện' })).status).toBe(200);

    await chief.locator('section.held li', { hasText: '+7.000' }).getByRole('button', { name: 'Xác nhận' }).click();
    await expect.poll(() => chief.locator('p[role=status]').textContent()).toMatch(/^Lãnh đạo Công an tỉnh đã từ chối số liệu này lúc \d\d:\d\d \(Trùng với báo cáo của huyện\)\.$/);
    await expect.poll(() => chief.locator('section.held').count()).toBe(0);
    expect(await counted()).toBe(start + 5000);
    await noSidewaysScroll(chief);
    await chief.screenshot({ path: artifact('chief-held-decided.png'), fullPage: true });

    await expect.poll(() => queued('+7.000').getAttribute('data-state'), { timeout: 40_000 }).toBe('refused');
    expect(await queued('+7.000').locator('.message').textContent()).toBe('Lãnh đạo Công an tỉnh đã từ chối: Trùng với báo cáo của huyện');

    const admin = new Session(server.url);
    await admin.signIn(people.admin.login, people.admin.password);
    const { body: audit } = await admin.request<AuditPage>('GET', `/api/v1/audit?kind=count&unit=${COMMUNE}`);
    const sender = (e: AuditPage['entries'][number]) => ((e.action === 'count.confirm' ? e.after : e.before) as { sender: string }).sender;
    expect(audit.entries.map((e) => [e.action, e.actor.name, sender(e)])).toEqual([
      ['count.reject', 'Lãnh đạo Công an tỉnh', 'Cán bộ Công an xã Thạch Kênh'],
      ['count.reject', 'Trưởng Công an huyện Thạch Hà', 'Cán bộ Công an xã Thạch Kênh'],
      ['count.confirm', 'Trưởng Công an huyện Thạch Hà', 'Cán bộ Công an xã Thạch Kênh'],
    ]);
  });

  it('reads the list again as soon as the chief\'s phone is back on the network', async () => {
    await chief.goto(`${server.url}/don-doc`);
    await chief.locator('label.hours').waitFor();
    expect(await chief.locator('section.held').count()).toBe(0);
    await chiefPhone.setOffline(true);
    await enter(9000, 'Tổ lưu động số 4');
    await expect.poll(() => queued('+9.000').getAttribute('data-state'), { timeout: 30_000 }).toBe('held');
    await chiefPhone.setOffline(false);
    // Well before the page's own refresh, a minute apart.
    await expect.poll(() => chief.locator('section.held li', { hasText: '+9.000' }).count(), { timeout: 5_000 }).toBe(1);
  });

  it('reads the held records every 15 s while the chief\'s page is shown', async () => {
    await chiefPhone.clock.install();
    await chief.goto(`${server.url}/don-doc`);
    await expect.poll(() => chief.locator('section.held li', { hasText: '+9.000' }).count(), { timeout: 10_000 }).toBe(1);
    await enter(10000, 'Tổ lưu động số 5');
    await expect.poll(() => queued('+10.000').getAttribute('data-state'), { timeout: 30_000 }).toBe('held');
    expect(await chief.locator('section.held li', { hasText: '+10.000' }).count()).toBe(0);
    // The page's clock runs 15 s on, a quarter of the lists' own minute.
    await chiefPhone.clock.fastForward(15_000);
    await expect.poll(() => chief.locator('section.held li', { hasText: '+10.000' }).count(), { timeout: 5_000 }).toBe(1);
  });
});
