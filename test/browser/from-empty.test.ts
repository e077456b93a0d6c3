/**
 * A province runs its own campaign from an empty PostgreSQL database, as the README's production
 * start says and through the pages a person uses: `init --admin` on a database made for the
 * test, `serve`, then in Chromium the administrator signs in with the one-time password and
 * chooses a password, creates a campaign with two metrics each bound to its own milestone,
 * imports each metric's targets from an XLSX sheet the test writes, creates a unit chief and a
 * commune officer, revises one commune's target with a reason and makes the keys of a machine
 * and of a TV. A system posts with the ingest key; the wall (opened with the TV's key) shows the
 * numbers and each metric's own countdown; the audit page lists every step with its author.
 * The same again on a generated catalog of two levels, where no district may appear on the
 * wall or on any admin page. One browser serves both; screenshots go to test/artifacts/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatCount, formatProgress, localDate, type UnitInfo } from '@tiendo/shared';
import { submitSignIn } from '../helpers/admin.js';
import { event, postEvents } from '../helpers/api.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { command, startServe, type ProductionServer } from '../helpers/production.js';
import { freshPostgres, removeDir } from '../helpers/server.js';
import { catalogCsv, targetWorkbook, twoLevelCatalog } from '../helpers/sheets.js';

const TZ = 'Asia/Ho_Chi_Minh';
const today = () => localDate(Date.now(), TZ);
/** A date as the admin pages take it: 05/03/2026. */
const typed = (date: string) => date.split('-').reverse().join('/');
/** Words that would betray a district level the catalog does not have. */
const DISTRICT_WORDS = /(^|[^\p{L}])(huyện|quận|district)([^\p{L}]|$)/iu;

const postgres = process.env.DATABASE_URL;
const SKIP = !postgres
  ? 'DATABASE_URL is unset: this test starts from an empty PostgreSQL database, and needs a server to make it on'
  : !hasChromium ? 'no Chromium at /usr/bin/chromium' : null;
if (SKIP) console.warn(`Production start in Chromium skipped: ${SKIP}.`);

/** What differs between the two runs: the catalog, and the units the steps touch. */
interface Province {
  label: string;
  rootUnit: string;
  /** Written to a file and loaded with `init --catalog`; the shipped catalog when absent. */
  catalog?: Parameters<typeof catalogCsv>[0];
  chief: { login: string; name: string; scope: string };
  officer: { login: string; name: string; scope: string };
  /** The commune whose target is revised. */
  revised: string;
  /** The communes the ingest system reports for. */
  reporting: string[];
  levels: 2 | 3;
}

const PROVINCES: Province[] = [
  {
    label: 'three-level', rootUnit: '42', levels: 3,
    chief: { login: 'truong.thachha', name: 'Trần Văn Bình', scope: '445' },
    officer: { login: 'canbo.thachkenh', name: 'Lê Thị Cúc', scope: '18586' },
    revised: '18586', reporting: ['18586', '18589', '18115'],
  },
  {
    label: 'two-level', rootUnit: '99', levels: 2, catalog: twoLevelCatalog(24),
    chief: { login: 'truong.xa2', name: 'Phạm Văn Đông', scope: '99002' },
    officer: { login: 'canbo.xa2', name: 'Hoàng Thị Lan', scope: '99002' },
    revised: '99002', reporting: ['99002', '99007', '99013'],
  },
];

interface Deployment {
  server: ProductionServer;
  oneTime: string;
  drop(): Promise<void>;
}

/** The README's production start on a database of its own: `init --admin` (with the catalog file), then `serve`. */
async function deploy(province: Province): Promise<Deployment> {
  const database = (await freshPostgres())!;
  const env = { DATABASE_URL: database.url, ROOT_UNIT: province.rootUnit };
  const args = ['init', '--admin', 'chi.huong', '--name', 'Nguyễn Thị Hương'];
  let dir: string | null = null;
  if (province.catalog) {
    dir = mkdtempSync(join(tmpdir(), 'tiendo-catalog-'));
    writeFileSync(join(dir, 'don-vi.csv'), catalogCsv(province.catalog));
    args.push('--catalog', join(dir, 'don-vi.csv'));
  }
  try {
    const { stdout, stderr } = await command(args, env);
    expect(stderr).toContain('Database: PostgreSQL');
    const oneTime = /One-time password: (\S+)/.exec(stdout)?.[1];
    expect(oneTime, stdout).toBeDefined();
    const server = await startServe(env);
    return { server, oneTime: oneTime!, drop: database.drop };
  } finally {
    if (dir) removeDir(dir);
  }
}

describe.skipIf(SKIP)(`a campaign run from an empty PostgreSQL database through the pages (skipped without DATABASE_URL or Chromium)`, () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  const deployments = new Map<string, Promise<Deployment>>();

  beforeAll(async () => {
    // Both databases are prepared while the browser starts: the second run waits for nothing.
    for (const province of PROVINCES) deployments.set(province.label, deploy(province));
    browser = await launch({ width: 1280, height: 720 });
    await Promise.all(deployments.values());
  });

  afterAll(async () => {
    await browser?.dispose();
    for (const deployment of deployments.values()) {
      const d = await deployment.catch(() => null);
      await d?.server.stop();
      await d?.drop();
    }
  });

  for (const province of PROVINCES) {
    describe(`a ${province.label} catalog`, () => {
      let url: string;
      let oneTime: string;
      let page: Page;
      let units: UnitInfo[];
      const campaign = `chien-dich-${province.rootUnit}`;
      const start = addDays(today(), -20);
      const metrics = [
        { key: 'cccd', name: 'Thu nhận CCCD gắn chip', short: 'CCCD', milestone: 'Cam kết của Giám đốc', date: addDays(today(), 30), document: 'Cam kết ngày 01/3/2026' },
        { key: 'vneid', name: 'Kích hoạt định danh điện tử mức 2', short: 'Kích hoạt', milestone: 'Chỉ tiêu điện 16/HT', date: addDays(today(), 45), document: 'Điện 16/HT ngày 21/3/2026' },
      ];
      /** Each metric's targets as imported, by commune; the revision changes one. */
      const targets = new Map<string, Map<string, number>>();
      const revisedTarget = 4321;
      const keys = { ingest: '', display: '' };
      /** Every page's text, for the two-level run to look for a district in. */
      const seen: { where: string; text: string }[] = [];

      const shot = async (name: string) => {
        await page.screenshot({ path: artifact(`from-empty-${province.label}-${name}.png`) });
        seen.push({ where: name, text: await page.locator('body').innerText() });
      };
      const communes = () => units.filter((u) => u.level === 'commune');
      const nameOf = (code: string) => units.find((u) => u.code === code)!.fullName;

      /** Types into a unit picker and picks the unit, by its code. */
      async function pickUnit(scope: ReturnType<Page['getByTestId']> | Page, label: string, code: string) {
        await scope.getByRole('combobox', { name: label }).fill(code);
        await page.getByRole('option', { name: new RegExp(`^${nameOf(code)} `) }).click();
      }

      beforeAll(async () => {
        ({ server: { url }, oneTime } = await deployments.get(province.label)!);
        await browser.clearCookies();
        page = await browser.newPage();
        page.setDefaultTimeout(15_000);
      });

      afterAll(async () => {
        await page?.close();
      });

      it('the administrator signs in with the one-time password and chooses a password', async () => {
        await page.goto(`${url}/admin`);
        await page.waitForURL(/\/signin\?next=%2Fadmin$/);
        await submitSignIn(page, 'chi.huong', oneTime);
        await page.getByRole('heading', { name: 'Đặt mật khẩu của bạn' }).waitFor();
        await shot('choose-password');
        await page.getByLabel('Mật khẩu mới', { exact: true }).fill('mật khẩu đủ dài 2026');
        await page.getByLabel('Nhập lại mật khẩu mới').fill('mật khẩu đủ dài 2026');
        await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
        await page.waitForURL(/\/admin$/);
        await expect.poll(() => page.locator('nav ul a').allTextContents()).toEqual(['Tổng quan', 'Chiến dịch', 'Đơn vị hành chính', 'Người dùng', 'Khóa truy cập', 'Bản đồ địa giới', 'Nhật ký thay đổi']);
        await shot('home');
        // The catalog `init` loaded, as the pages read it with the session.
        const answer = await page.request.get(`${url}/api/v1/units`);
        expect(answer.status()).toBe(200);
        units = (await answer.json()) as UnitInfo[];
        expect(new Set(units.map((u) => u.level))).toEqual(new Set(province.levels === 3 ? ['province', 'district', 'commune'] : ['province', 'commune']));
        await page.getByRole('link', { name: 'Đơn vị hành chính' }).first().click();
        const levels = units.reduce((counts, u) => counts.set(u.level, (counts.get(u.level) ?? 0) + 1), new Map<string, number>());
        await expect.poll(() => page.getByTestId('unit-levels').locator('b').allTextContents()).toEqual([...levels.values()].map(String));
        await shot('units');
        // Boundary files are sent with the administrator's session: no admin key to find first.
        await page.goto(`${url}/admin/maps`);
        await expect.poll(() => page.getByTestId('maps-signed-in').textContent()).toContain('Nguyễn Thị Hương');
        expect(await page.getByTestId('map-file').isEnabled()).toBe(true);
        await shot('maps');
      });

      it('creates a campaign with two metrics, each with its own milestone', async () => {
        await page.goto(`${url}/admin/campaigns`);
        await page.getByTestId('campaign-new').click();
        await page.waitForURL(/\/admin\/campaigns\/new$/);
        await page.getByLabel('Tên chiến dịch').fill(`Thu nhận CCCD và định danh điện tử — ${nameOf(province.rootUnit)}`);
        await page.getByLabel('Mã chiến dịch').fill(campaign);
        await pickUnit(page, 'Địa bàn', province.rootUnit);
        await page.getByLabel('Ngày bắt đầu').fill(typed(start));
        for (const [i, m] of metrics.entries()) {
          if (i > 0) await page.getByTestId('add-metric').click();
          const row = page.getByTestId('metric-row').nth(i);
          await row.getByLabel('Tên chỉ số').fill(m.name);
          await row.getByLabel('Mã chỉ số').fill(m.key);
          await row.getByLabel('Tên ngắn').fill(m.short);
        }
        for (const [i, m] of metrics.entries()) {
          await page.getByTestId('add-milestone').click();
          const row = page.getByTestId('milestone-row').nth(i);
          await row.getByLabel('Tên mốc').fill(m.milestone);
          await row.getByLabel('Ngày').fill(typed(m.date));
          await row.getByLabel('Văn bản').fill(m.document);
          await row.getByRole('checkbox', { name: m.short }).check();
        }
        await shot('campaign-form');
        await page.getByTestId('campaign-save').click();
        await page.waitForURL(new RegExp(`/admin/campaigns/${campaign}\\?created=1$`));
        await page.getByText('Đã tạo chiến dịch.').waitFor();
        await shot('campaign-created');
      });

      it('imports each metric’s targets from an XLSX sheet', async () => {
        await page.getByTestId('to-targets').click();
        await page.waitForURL(new RegExp(`/admin/campaigns/${campaign}/targets$`));
        for (const [i, m] of metrics.entries()) {
          const set = new Map(communes().map((c, j) => [c.code, (i ? 3000 : 5000) + ((j * 37) % 900)]));
          targets.set(m.key, set);
          const total = [...set.values()].reduce((a, b) => a + b, 0);
          const file = Buffer.from(await targetWorkbook([{
            name: 'Chỉ tiêu', title: `CHỈ TIÊU ${m.name.toUpperCase()} NĂM 2026`,
            // A few rows name the commune only, as offices often write them.
            rows: [...communes().map((c, j) => ({ code: j % 9 === 4 ? null : c.code, name: c.fullName, target: set.get(c.code)! })),
              { code: null, name: 'Tổng cộng', target: total, subtotal: true }],
          }]));
          if (i > 0) {
            await page.getByRole('button', { name: m.name }).click();
            await page.waitForURL(new RegExp(`metric=${m.key}`));
          }
          await page.getByTestId('open-import').click();
          await page.getByTestId('target-file').setInputFiles({ name: `chi-tieu-${m.key}.xlsx`, mimeType: 'application/octet-stream', buffer: file });
          const preview = page.getByTestId('import-preview');
          await preview.waitFor();
          expect(await preview.locator('.tile b').first().textContent()).toBe(String(set.size));
          await shot(`targets-preview-${m.key}`);
          await page.getByTestId('import-reason').fill('Chỉ tiêu năm 2026');
          await page.getByTestId('import-confirm').click();
          await expect.poll(() => page.getByTestId('targets-done').textContent()).toBe(`Đã áp dụng ${set.size} chỉ tiêu từ tệp chi-tieu-${m.key}.xlsx.`);
          const root = page.locator(`[data-testid=target-row][data-code="${province.rootUnit}"] [data-testid=target-input]`);
          await expect.poll(() => root.inputValue()).toBe(formatCount(total, 'vi-VN'));
        }
        await shot('targets');
      });

      it('creates a unit chief and a commune officer', async () => {
        await page.goto(`${url}/admin/people`);
        for (const [role, person] of [['chief', province.chief], ['officer', province.officer]] as const) {
          await page.getByTestId('person-new').click();
          const form = page.getByTestId('person-form');
          await form.getByLabel('Họ tên').fill(person.name);
          await form.getByLabel('Tên đăng nhập').fill(person.login);
          await form.getByLabel('Vai trò').selectOption(role);
          await pickUnit(form, 'Phạm vi', person.scope);
          await page.getByTestId('person-create').click();
          await page.getByTestId('one-time-password').waitFor();
          expect(await page.getByTestId('otp-value').textContent()).toMatch(/^[\w-]{14,}$/);
        }
        await expect.poll(() => page.getByTestId('person-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-login')).sort()))
          .toEqual(['chi.huong', province.chief.login, province.officer.login].sort());
        await shot('people');
      });

      it('revises one commune’s target with a reason', async () => {
        const parent = units.find((u) => u.code === province.revised)!.parent!;
        await page.goto(`${url}/admin/campaigns/${campaign}/targets?metric=${metrics[0].key}&unit=${parent}`);
        const input = page.locator(`[data-testid=target-row][data-code="${province.revised}"] [data-testid=target-input]`);
        await expect.poll(() => input.inputValue()).toBe(formatCount(targets.get(metrics[0].key)!.get(province.revised)!, 'vi-VN'));
        await input.fill(formatCount(revisedTarget, 'vi-VN'));
        await page.getByTestId('targets-reason').fill('Rà soát lại số công dân đủ tuổi');
        await page.getByTestId('targets-save').click();
        await expect.poll(() => page.getByTestId('targets-done').textContent()).toBe('Đã lưu 1 chỉ tiêu.');
        targets.get(metrics[0].key)!.set(province.revised, revisedTarget);
        await page.locator(`[data-testid=target-row][data-code="${province.revised}"] [data-testid=unit-history]`).click();
        await expect.poll(() => page.getByTestId('target-versions').locator('li').count()).toBe(2);
        expect(await page.getByTestId('target-versions').locator('li').first().textContent()).toMatch(/4\.321.*Rà soát lại số công dân đủ tuổi.*Nguyễn Thị Hương/);
        await shot('targets-revised');
      });

      it('makes a key for the intake system and one for the TV', async () => {
        await page.goto(`${url}/admin/keys`);
        for (const [role, name] of [['ingest', 'Phần mềm thu nhận'], ['display', 'TV phòng chỉ huy']] as const) {
          await page.getByTestId('key-new').click();
          const form = page.getByTestId('key-form');
          await form.getByLabel('Tên khóa').fill(name);
          await form.getByLabel('Loại khóa').selectOption(role);
          await page.getByTestId('key-create').click();
          await expect.poll(() => page.getByTestId('key-value').textContent()).toMatch(new RegExp(`^td_${role}_`));
          keys[role] = (await page.getByTestId('key-value').textContent())!;
        }
        expect(await page.getByTestId('kiosk-url').textContent()).toBe(`${url}/?kiosk=1&rotate=30&key=${keys.display}`);
        await shot('keys');
      });

      it('counts what the intake system posts with its key; the wall shows the numbers and each metric’s own countdown', async () => {
        const posted = new Map(metrics.map((m) => [m.key, 0]));
        const events = province.reporting.flatMap((unit, i) => metrics.map((m, j) => {
          const delta = 120 + i * 65 + j * 40;
          posted.set(m.key, posted.get(m.key)! + delta);
          return event({ campaign, metric: m.key, unit, delta });
        }));
        expect((await postEvents(url, keys.ingest, events)).status).toBe(200);

        const wall = await browser.newPage();
        try {
          await wall.goto(`${url}/?key=${keys.display}`);
          const values = wall.getByTestId('counter-value');
          const expected = metrics.map((m) => formatCount(posted.get(m.key)!, 'vi-VN'));
          await expect.poll(() => values.allTextContents(), { timeout: 15_000 }).toEqual(expected);
          const total = (key: string) => [...targets.get(key)!.values()].reduce((a, b) => a + b, 0);
          expect(await wall.getByTestId('counter-progress').allTextContents())
            .toEqual(metrics.map((m) => formatProgress(posted.get(m.key)!, total(m.key), 'vi-VN')));
          expect(await wall.locator('h1').textContent()).toBe(nameOf(province.rootUnit));
          const ranked = await wall.locator('[data-testid=rank-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
          expect(ranked).toHaveLength(units.filter((u) => u.parent === province.rootUnit).length);
          // Each metric is counted down to its own milestone only.
          for (const [i, m] of metrics.entries()) {
            if (i > 0) await wall.getByRole('button', { name: new RegExp(`^${m.short}`) }).click();
            const countdowns = wall.getByTestId('countdown');
            await expect.poll(() => countdowns.locator('.name').allTextContents()).toEqual([`${m.milestone} ${typed(m.date)}`]);
            // Days left to the end of the milestone's day: whole days from today's date, and today's remaining hours.
            const days = Math.round((Date.parse(m.date) - Date.parse(today())) / 86_400_000);
            expect(Number(await countdowns.locator('[role=timer] b').first().textContent())).toBe(days);
            await wall.waitForTimeout(800); // the figures finish counting up
            await wall.screenshot({ path: artifact(`from-empty-${province.label}-wall-${m.key}.png`) });
            seen.push({ where: `wall ${m.key}`, text: await wall.locator('body').innerText() });
          }
        } finally {
          await wall.close();
        }
      });

      it('lists every step in the audit trail with its author', async () => {
        await page.goto(`${url}/admin/audit`);
        const rows = page.getByTestId('audit-row');
        await rows.first().waitFor();
        // Page after page, back to the first administrator's creation.
        const more = page.getByRole('button', { name: 'Xem thêm' });
        while (await more.count()) {
          const shown = await rows.count();
          await more.click();
          await expect.poll(() => rows.count()).toBeGreaterThan(shown);
        }
        const steps = await rows.evaluateAll((list) => list.map((r) => ({
          action: r.getAttribute('data-action'), count: Number(r.getAttribute('data-count')), actor: r.querySelector('.who')?.textContent, text: r.textContent ?? '',
        })));
        const by = (action: string) => steps.filter((s) => s.action === action).map((s) => s.actor);
        const admin = 'Nguyễn Thị Hương';
        expect(by('person.create')).toEqual([admin, admin, 'init']);
        expect(by('person.change-password')).toEqual([admin]);
        expect(by('campaign.create')).toEqual([admin]);
        expect(steps.filter((s) => s.action === 'target.import').map((s) => [s.actor, s.count])).toEqual(metrics.map(() => [admin, communes().length]));
        expect(by('target.set')).toEqual([admin]);
        expect(steps.find((s) => s.action === 'target.set')!.text).toContain('Rà soát lại số công dân đủ tuổi');
        expect(by('key.create')).toEqual([admin, admin]);
        await shot('audit');
      });

      if (province.levels === 2) {
        it('names no district anywhere: not on the wall, not on an admin page', () => {
          expect(seen.length).toBeGreaterThan(10);
          for (const { where, text } of seen) expect(text, where).not.toMatch(DISTRICT_WORDS);
        });
      }
    });
  }
});
