/**
 * The district chief's day in real Chromium at 390×844: the communes of Thạch Hà that fell
 * silent, with the last record of each and who sent it (a person or a key), and entering work
 * on a silent commune's behalf from there, which the audit trail records; the district's ranking
 * marks the silent communes. The silence API keeps
 * to the reader's scope and refuses bad hours with a clear 400.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, SilenceReport, Snapshot } from '@tiendo/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { event, get, postEvents } from '../helpers/api.js';
import { Session } from '../helpers/production.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const DISTRICT = '445';
/** Communes of Thạch Hà: one reports through a key, one through its officer, one later on. */
const BY_KEY = '18565';
const BY_OFFICER = '18586';
const LATER = '18589';
type Person = { login: string; password: string };

describe.skipIf(!hasChromium)('the district chief\'s day in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let people: Record<string, Person>;
  let chief: Session;
  let browser: BrowserContext & { dispose(): Promise<void> };
  let page: Page;
  let communes: string[];

  beforeAll(async () => {
    server = await startServer();
    people = JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')) as Record<string, Person>;
    chief = new Session(server.url);
    expect((await chief.signIn(people.chief.login, people.chief.password)).status).toBe(200);
    const { body } = await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${DISTRICT}`, server.keys.display);
    communes = body.units.filter((u) => u.parent === DISTRICT).map((u) => u.code);
    browser = await launch({ width: 390, height: 844 });
    const signIn = await browser.request.post(`${server.url}/api/v1/session`, {
      data: { login: people.chief.login, password: people.chief.password }, headers: { origin: server.url },
    });
    expect(signIn.status()).toBe(200);
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.dispose();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  async function noSidewaysScroll(): Promise<void> {
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
  }

  const listed = () => page.locator('.silent li').evaluateAll((items) => items.map((li) => li.getAttribute('data-unit')!));

  it('lists the communes with nothing received, and drops those that report', async () => {
    expect((await postEvents(server.url, server.keys.ingest, [event({ unit: BY_KEY, delta: 9, source: 'Phần mềm thu nhận' })])).status).toBe(200);
    const officer = new Session(server.url);
    await officer.signIn(people.officer.login, people.officer.password);
    expect((await officer.request('POST', '/api/v1/events', { events: [event({ unit: BY_OFFICER, delta: 14, source: 'Tổ lưu động số 2' })] })).status).toBe(200);

    await page.goto(`${server.url}/don-doc`);
    await expect.poll(() => listed().then((l) => l.length), { timeout: 10_000 }).toBe(communes.length - 2);
    expect((await listed()).sort()).toEqual(communes.filter((c) => c !== BY_KEY && c !== BY_OFFICER).sort());
    expect(await page.locator('.summary').textContent()).toMatch(new RegExp(`${communes.length - 2}\\s*/ ${communes.length} xã không gửi số liệu từ`));
    expect(await page.locator('.silent li').first().textContent()).toMatch(/chưa báo cáo lần nào/);
    expect(await page.locator('select[name=hours]').inputValue()).toBe('6');
    await noSidewaysScroll();
  });

  it('gives each commune silent for the chosen hours its last record, when it came and who sent it', async () => {
    // Twelve seconds after the first two reported, a third does; silence is then judged over six seconds.
    await new Promise((r) => setTimeout(r, 12_000));
    expect((await postEvents(server.url, server.keys.ingest, [event({ unit: LATER, delta: 3 })])).status).toBe(200);
    await page.goto(`${server.url}/don-doc?gio=0.0017`);
    await expect.poll(() => listed().then((l) => l.length), { timeout: 10_000 }).toBe(communes.length - 1);
    expect(await listed()).not.toContain(LATER);
    // The never-heard first, then the longest silent.
    expect((await listed()).slice(-2).sort()).toEqual([BY_KEY, BY_OFFICER].sort());
    const officerRow = await page.locator(`.silent li[data-unit="${BY_OFFICER}"]`).textContent();
    expect(officerRow).toMatch(/Xã Thạch Kênh\s*im lặng (dưới 1 phút|\d+ phút)/);
    expect(officerRow).toMatch(/Lần cuối \d\d:\d\d:\s*\+14 CCCD/);
    expect(officerRow).toMatch(/Cán bộ Công an xã Thạch Kênh · Tổ lưu động số 2/);
    expect(await page.locator(`.silent li[data-unit="${BY_KEY}"] .who`).textContent()).toMatch(/^khóa “.+” · Phần mềm thu nhận$/);
    await noSidewaysScroll();
    await page.screenshot({ path: artifact('chief-silent.png'), fullPage: true });
  });

  it('enters work on a silent commune\'s behalf, and the audit trail says who did', async () => {
    const silentOne = communes.find((c) => c !== BY_KEY && c !== BY_OFFICER && c !== LATER)!;
    await page.goto(`${server.url}/don-doc`);
    await page.locator(`.silent li[data-unit="${silentOne}"]`).getByRole('link', { name: /^Nhập thay / }).click();
    await page.waitForURL(/\/bao-cao\?xa=/);
    await expect.poll(() => page.locator('select[name=unit]').inputValue()).toBe(silentOne);
    await page.locator('.card').first().waitFor();
    const form = page.locator('form.entry');
    await form.locator('input[name=amount]').fill('7');
    await form.locator('input[name=source]').fill('Báo qua điện thoại');
    await form.getByRole('button', { name: 'Ghi nhận' }).click();
    await expect.poll(() => page.locator('.queue li').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('recorded');
    expect(await page.locator('.queue li').first().getAttribute('data-id')).toMatch(/^chief-\d+-[0-9a-f]{32}$/);
    await noSidewaysScroll();

    const { body: snapshot } = await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${silentOne}`, server.keys.display);
    expect(snapshot.values.find((v) => v.code === silentOne)!.metrics.cccd_intake.value).toBe(7);
    const admin = new Session(server.url);
    await admin.signIn(people.admin.login, people.admin.password);
    const { body: audit } = await admin.request<AuditPage>('GET', `/api/v1/audit?kind=count&unit=${silentOne}`);
    expect(audit.entries.map((e) => [e.action, e.actor.kind, e.actor.name, e.unit, (e.after as { delta: number }).delta])).toEqual([
      ['count.on-behalf', 'person', 'Trưởng Công an huyện Thạch Hà', silentOne, 7],
    ]);
    const { body: silence } = await chief.request<SilenceReport>('GET', `/api/v1/campaigns/ha-tinh/silence?scope=${DISTRICT}`);
    expect(silence.silent.map((s) => s.unit)).not.toContain(silentOne);
  });

  it('marks the silent communes in the district\'s ranking', async () => {
    await page.goto(`${server.url}/district/${DISTRICT}`);
    const marked = () => page.locator('[data-testid=rank-row]:has([data-testid=silent])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')!).sort());
    const { body } = await chief.request<SilenceReport>('GET', `/api/v1/campaigns/ha-tinh/silence?scope=${DISTRICT}`);
    expect(body.silent).toHaveLength(communes.length - 4);
    await expect.poll(marked, { timeout: 30_000 }).toEqual(body.silent.map((s) => s.unit).sort());
    expect(await marked()).not.toContain(BY_OFFICER);
    await noSidewaysScroll();
    await page.locator('section.ranking').screenshot({ path: artifact('chief-district-silent.png') });
  });

  it('keeps silence to the reader\'s scope and refuses bad hours', async () => {
    expect((await chief.request('GET', '/api/v1/campaigns/ha-tinh/silence?scope=444')).status).toBe(403);
    for (const hours of ['0', 'abc', '721', '-1']) {
      const answer = await chief.request<{ message: string }>('GET', `/api/v1/campaigns/ha-tinh/silence?hours=${hours}`);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/^hours: /);
    }
    expect((await chief.request('GET', '/api/v1/campaigns/ha-tinh/silence?scope=445&scope=445')).status).toBe(400);
    expect((await get(server.url, '/api/v1/campaigns/ha-tinh/silence?scope=445')).status).toBe(401);
    const { status, body } = await get<SilenceReport>(server.url, '/api/v1/campaigns/ha-tinh/silence?scope=42&hours=24', server.keys.display);
    expect(status).toBe(200);
    expect(body.communes).toBe(216);
    expect(body.silent).toHaveLength(216 - 4);
    const officer = new Session(server.url);
    await officer.signIn(people.officer.login, people.officer.password);
    expect((await officer.request('GET', `/api/v1/campaigns/ha-tinh/standing?unit=${LATER}`)).status).toBe(403);
    expect((await officer.request('GET', `/api/v1/campaigns/ha-tinh/standing?unit=${BY_OFFICER}`)).status).toBe(200);
  });
});
