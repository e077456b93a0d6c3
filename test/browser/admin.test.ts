/**
 * A campaign run from nothing through the admin pages, in real Chromium against the real demo
 * server: sign in (a wrong password, a throttled login, then the right one), create a campaign
 * with two metrics each bound to its own milestone, import its targets from an office's XLSX
 * sheet, revise one commune's target with a reason, create a chief who creates an officer, and
 * read every step with its author in the audit trail. Before that, every role by every admin
 * page: which open, which say the role does not open them, which send to the sign-in page.
 * Screenshots of each page, at 1280×720 and on a 390 px phone, go to test/artifacts/.
 */
import type { CampaignInfo, UnitInfo } from '@tiendo/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople, submitSignIn, wholeAuditTrail, type DemoPeople } from '../helpers/admin.js';
import { get, post } from '../helpers/api.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { Session } from '../helpers/production.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';
import { targetWorkbook, type TargetRow } from '../helpers/sheets.js';

const CAMPAIGN = 'eid-2024';
const THACH_KENH = '18586';

describe.skipIf(!hasChromium)('running a campaign from the admin pages in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let context: Awaited<ReturnType<typeof launch>>;
  let page: Page;
  let people: DemoPeople;
  let units: UnitInfo[];
  const chief = { login: 'truong.canloc', name: 'Trưởng Công an huyện Can Lộc', password: '' };
  const officer = { login: 'canbo.canloc', name: 'Cán bộ Công an xã Thiên Lộc', password: '' };

  const shot = (name: string) => page.screenshot({ path: artifact(`admin-${name}.png`) });
  const row = (testid: string, i: number) => page.getByTestId(testid).nth(i);

  async function phone(name: string) {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifact(`admin-${name}-phone.png`) });
    await page.setViewportSize({ width: 1280, height: 720 });
  }

  /** Submits the sign-in form and waits for the server's answer. */
  async function signIn(login: string, password: string) {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
    await submitSignIn(page, login, password);
    await answered;
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(/\/signin$/);
  }

  beforeAll(async () => {
    server = await startServer();
    people = demoPeople(server);
    units = (await get<UnitInfo[]>(server.url, '/api/v1/units', server.keys.admin)).body;
    context = await launch({ width: 1280, height: 720 });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await context?.dispose();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('leaves the wall alone: a display never meets the sign-in page', async () => {
    await page.goto(`${server.url}/?key=${server.keys.display}`);
    await page.waitForTimeout(1000);
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('opens to each role the admin pages it may use, and says so on the others', async () => {
    type Outcome = 'open' | 'forbidden' | 'signin' | 'key';
    const PAGES = ['/admin', '/admin/campaigns', '/admin/campaigns/new', '/admin/campaigns/ha-tinh', '/admin/campaigns/ha-tinh/targets',
      '/admin/units', '/admin/people', '/admin/keys', '/admin/maps', '/admin/audit'] as const;
    const signIn = async (login: string, password: string) => {
      const session = new Session(server.url);
      expect((await session.signIn(login, password)).status).toBe(200);
      return session;
    };
    /** A person the demo's admin key makes; with `password`, the one-time password is replaced. */
    const make = async (login: string, scope: string, password?: string) => {
      const made = await post<{ oneTimePassword: string }>(server.url, '/api/v1/people', server.keys.admin, { login, name: login, role: 'admin', scope });
      const session = await signIn(login, made.body.oneTimePassword);
      if (password) expect((await session.request('POST', '/api/v1/session/password', { current: made.body.oneTimePassword, password })).status).toBe(200);
      return session;
    };
    const sessions: Record<string, Session | null> = {
      nobody: null,
      admin: await signIn(people.admin.login, people.admin.password),
      leadership: await signIn(people.leadership.login, people.leadership.password),
      chief: await signIn(people.chief.login, people.chief.password),
      officer: await signIn(people.officer.login, people.officer.password),
      // An administrator of one district (Can Lộc), and one who still holds the one-time password.
      districtAdmin: await make('qt.canloc', '443', 'quản trị huyện Can Lộc'),
      firstTime: await make('qt.moi', '42'),
    };
    const table = (open: readonly string[], otherwise: Outcome) =>
      Object.fromEntries(PAGES.map((p) => [p, p === '/admin/maps' ? (open.includes(p) ? 'open' : 'key') : open.includes(p) ? 'open' : otherwise]));
    const everything = [...PAGES];
    const expected = {
      nobody: table([], 'signin'),
      admin: table(everything, 'forbidden'),
      // Reads campaigns and their targets, and the audit trail; creates nothing.
      leadership: table(['/admin', '/admin/campaigns', '/admin/campaigns/ha-tinh', '/admin/campaigns/ha-tinh/targets', '/admin/audit'], 'forbidden'),
      chief: table(['/admin', '/admin/people'], 'forbidden'),
      officer: table(['/admin'], 'forbidden'),
      // Boundary maps are a province's.
      districtAdmin: table(everything.filter((p) => p !== '/admin/maps'), 'forbidden'),
      // Sent to choose a password first.
      firstTime: table([], 'signin'),
    };
    const outcome = () => page.evaluate(() => {
      if (location.pathname === '/signin') return 'signin';
      const access = document.querySelector('main[data-access]')?.getAttribute('data-access');
      if (access) return access === 'loading' ? null : access;
      // The boundary maps' page: signed in, or asking for a key.
      if (!document.querySelector('[data-testid=map-file]')) return null;
      return document.querySelector('[data-testid=maps-signed-in]') ? 'open' : 'key';
    });
    const got: Record<string, Record<string, string | null>> = {};
    const navigation: Record<string, string[]> = {};
    for (const [who, session] of Object.entries(sessions)) {
      await context.clearCookies();
      if (session) await context.addCookies([{ name: 'tiendo_session', value: session.token, url: server.url }]);
      got[who] = {};
      for (const path of PAGES) {
        await page.goto(`${server.url}${path}`);
        // The maps' page asks for the key until it knows who is signed in.
        if (path === '/admin/maps') await page.waitForLoadState('networkidle');
        await expect.poll(outcome, { timeout: 15_000 }).not.toBeNull();
        got[who][path] = await outcome();
        if (path === '/admin' && got[who][path] === 'open') navigation[who] = await page.locator('nav ul a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
      }
    }
    expect(got).toEqual(expected);
    // Each role's navigation holds the pages it opens.
    for (const [who, links] of Object.entries(navigation)) {
      expect(links, who).toEqual(Object.entries(expected[who as keyof typeof expected]).filter(([p, o]) => o === 'open' && !p.includes('/campaigns/')).map(([p]) => p));
    }
    await context.clearCookies();
  });

  it('refuses a wrong password plainly, says how long a throttled login waits, then signs in and goes where the person was going', async () => {
    await page.goto(`${server.url}/admin/campaigns`);
    await page.waitForURL(/\/signin\?next=%2Fadmin%2Fcampaigns$/);
    await shot('signin');

    await signIn(people.admin.login, 'not-the-password');
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    await shot('signin-wrong');

    // Five failures for one login, and the sixth attempt is turned away before any check.
    for (let i = 0; i < 6; i++) await signIn(people.leadership.login, `wrong-${i}`);
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toMatch(/^Đăng nhập sai quá nhiều lần\. Vui lòng thử lại sau 1[45] phút\.$/);

    await signIn(people.admin.login, people.admin.password);
    await page.waitForURL(/\/admin\/campaigns$/);
    await page.getByTestId('campaign-row').first().waitFor();
    await shot('campaigns');
  });

  it('creates a campaign with two metrics, each bound to its own milestone, with errors shown beside their fields', async () => {
    await page.getByTestId('campaign-new').click();
    await page.waitForURL(/\/admin\/campaigns\/new$/);
    await page.getByLabel('Tên chiến dịch').fill('Định danh điện tử mức 2 năm 2024');
    await page.getByLabel('Mã chiến dịch').fill(CAMPAIGN);
    await page.getByRole('combobox', { name: 'Địa bàn' }).fill('tinh ha tinh');
    await page.getByRole('option', { name: /^Tỉnh Hà Tĩnh/ }).waitFor();
    await page.getByRole('combobox', { name: 'Địa bàn' }).press('Enter');
    await expect.poll(() => page.getByRole('combobox', { name: 'Địa bàn' }).inputValue()).toMatch(/^Tỉnh Hà Tĩnh/);
    await page.getByLabel('Ngày bắt đầu').fill('01/03/2024');

    const intake = row('metric-row', 0);
    await intake.getByLabel('Tên chỉ số').fill('ĐDĐT mức 2 · thu nhận');
    expect(await intake.getByLabel('Mã chỉ số').inputValue()).toBe('dddt_muc_2_thu_nhan');
    await intake.getByLabel('Mã chỉ số').fill('eid_intake');
    await intake.getByLabel('Tên ngắn').fill('Thu nhận');
    await page.getByTestId('add-metric').click();
    const activation = row('metric-row', 1);
    await activation.getByLabel('Tên chỉ số').fill('ĐDĐT mức 2 · kích hoạt');
    await activation.getByLabel('Mã chỉ số').fill('eid_activation');
    await activation.getByLabel('Tên ngắn').fill('Kích hoạt');
    await activation.getByLabel('Bắt đầu riêng').fill('15/3/2024');
    await activation.getByLabel('Là kích hoạt của').selectOption('eid_intake');

    await page.getByTestId('add-milestone').click();
    const first = row('milestone-row', 0);
    await first.getByLabel('Tên mốc').fill('Hạn thu nhận');
    await first.getByLabel('Ngày').fill('30/06/2024');
    await first.getByLabel('Văn bản').fill('Điện 16/HT ngày 21/3/2023');
    await first.getByRole('checkbox', { name: 'Thu nhận' }).check();
    await page.getByTestId('add-milestone').click();
    const second = row('milestone-row', 1);
    await second.getByLabel('Tên mốc').fill('Hạn kích hoạt');
    await second.getByLabel('Ngày').fill('31/7/2024');
    await second.getByLabel('Văn bản').fill('Kế hoạch 45/KH-CAT ngày 2/4/2024');

    // Bound to no metric: refused beside the milestone, nothing sent.
    await page.getByTestId('campaign-save').click();
    await expect.poll(() => second.locator('.error').textContent()).toBe('chọn ít nhất một chỉ số');
    await shot('campaign-error');

    await second.getByRole('checkbox', { name: 'Kích hoạt' }).check();
    await page.getByTestId('campaign-save').click();
    await page.waitForURL(new RegExp(`/admin/campaigns/${CAMPAIGN}\\?created=1$`));
    await page.getByText('Đã tạo chiến dịch.').waitFor();
    await shot('campaign-created');
    await phone('campaign');

    const stored = (await get<CampaignInfo[]>(server.url, '/api/v1/campaigns', server.keys.admin)).body.find((c) => c.id === CAMPAIGN)!;
    expect(stored.rootUnit).toBe('42');
    expect(stored.startDate).toBe('2024-03-01');
    expect(stored.metrics).toMatchObject([
      { key: 'eid_intake', name: 'ĐDĐT mức 2 · thu nhận', shortName: 'Thu nhận' },
      { key: 'eid_activation', name: 'ĐDĐT mức 2 · kích hoạt', shortName: 'Kích hoạt', startDate: '2024-03-15', activationOf: 'eid_intake' },
    ]);
    expect(stored.milestones).toEqual([
      { name: 'Hạn thu nhận', date: '2024-06-30', metrics: ['eid_intake'], document: 'Điện 16/HT ngày 21/3/2023' },
      { name: 'Hạn kích hoạt', date: '2024-07-31', metrics: ['eid_activation'], document: 'Kế hoạch 45/KH-CAT ngày 2/4/2024' },
    ]);
  });

  it('imports targets from an XLSX sheet: matched rows, a row in trouble, a commune left out; applied with a reason', async () => {
    const communes = units.filter((u) => u.level === 'commune');
    const left = communes.at(-1)!;
    const lines: TargetRow[] = communes.slice(0, -1).map((u, i) => ({
      // A few rows give only the name, as offices often do: matched by name.
      code: i % 40 === 7 ? null : u.code,
      name: u.fullName,
      target: 2000 + ((i * 37) % 900),
    }));
    const total = lines.reduce((sum, l) => sum + Number(l.target), 0);
    lines.splice(10, 0, { code: null, name: 'Xã Không Có', target: 1234 });
    lines.push({ code: null, name: 'Tổng cộng', target: total, subtotal: true });
    const file = Buffer.from(await targetWorkbook([{ name: 'Chỉ tiêu', title: 'BẢNG CHỈ TIÊU THU NHẬN ĐỊNH DANH ĐIỆN TỬ MỨC 2 NĂM 2024', rows: lines }]));

    await page.getByTestId('to-targets').click();
    await page.waitForURL(new RegExp(`/admin/campaigns/${CAMPAIGN}/targets$`));
    await page.getByTestId('open-import').click();
    await page.getByTestId('target-file').setInputFiles({ name: 'chi-tieu-dddt-2024.xlsx', mimeType: 'application/octet-stream', buffer: file });
    const preview = page.getByTestId('import-preview');
    await preview.waitFor({ timeout: 15_000 });
    expect(await preview.locator('.tile b').allTextContents()).toEqual(['215', '1', '1', total.toLocaleString('vi-VN')]);
    await expect.poll(() => page.getByTestId('target-import').getByText('Xã Không Có').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('target-import').getByText(`${left.fullName} · `).count()).toBe(1);
    await shot('targets-import-preview');

    await page.getByTestId('import-confirm').click();
    await expect.poll(() => page.getByTestId('target-import').locator('.error').textContent()).toBe('không được để trống');
    await page.getByTestId('import-reason').fill('Chỉ tiêu theo Kế hoạch 45/KH-CAT');
    await page.getByTestId('import-confirm').click();
    await expect.poll(() => page.getByTestId('targets-done').textContent()).toBe('Đã áp dụng 215 chỉ tiêu từ tệp chi-tieu-dddt-2024.xlsx.');
    const province = page.locator('[data-testid=target-row][data-code="42"] [data-testid=target-input]');
    await expect.poll(() => province.inputValue()).toBe(total.toLocaleString('vi-VN'));
    await shot('targets');
  });

  it('revises one commune’s target with a reason, kept in its history with its author', async () => {
    await page.locator('[data-testid=target-row][data-code="445"] button.link').click();
    await page.waitForURL(/unit=445/);
    const input = page.locator(`[data-testid=target-row][data-code="${THACH_KENH}"] [data-testid=target-input]`);
    const before = await input.inputValue();
    await input.fill('3.150');
    await page.getByTestId('targets-pending').waitFor();
    await page.getByTestId('targets-save').click();
    await expect.poll(() => page.getByTestId('targets-pending').locator('.error').textContent()).toBe('không được để trống');
    await page.getByTestId('targets-reason').fill('Xã Thạch Kênh rà soát lại dân số trong độ tuổi');
    await page.getByTestId('targets-save').click();
    await expect.poll(() => page.getByTestId('targets-done').textContent()).toBe('Đã lưu 1 chỉ tiêu.');
    await expect.poll(() => input.inputValue()).toBe('3.150');

    await page.locator(`[data-testid=target-row][data-code="${THACH_KENH}"] [data-testid=unit-history]`).click();
    const versions = page.getByTestId('target-versions').locator('li');
    await expect.poll(() => versions.count()).toBe(2);
    expect(await versions.nth(0).textContent()).toMatch(/3\.150.*Xã Thạch Kênh rà soát lại dân số trong độ tuổi.*Quản trị hệ thống/);
    expect(await versions.nth(1).textContent()).toMatch(new RegExp(`${before.replace('.', '\\.')}.*Chỉ tiêu theo Kế hoạch 45/KH-CAT`));
    await shot('targets-history');
    await phone('targets');
  });

  it('spreads one total over the communes by population, for the other metric', async () => {
    await page.getByRole('button', { name: 'ĐDĐT mức 2 · kích hoạt' }).click();
    await page.waitForURL(/metric=eid_activation/);
    await page.getByRole('button', { name: 'Phân bổ theo dân số' }).click();
    const spread = page.getByTestId('target-spread');
    await expect.poll(() => spread.getByRole('combobox', { name: 'Đơn vị' }).inputValue()).toMatch(/^Huyện Thạch Hà/);
    await spread.getByRole('combobox', { name: 'Đơn vị' }).fill('tinh ha tinh');
    await page.getByRole('option', { name: /^Tỉnh Hà Tĩnh/ }).click();
    await spread.getByLabel('Tổng chỉ tiêu').fill('800.000');
    await spread.getByLabel('Lý do').fill('Chỉ tiêu kích hoạt theo Kế hoạch 45/KH-CAT');
    await shot('targets-spread');
    await spread.getByRole('button', { name: 'Phân bổ' }).click();
    await expect.poll(() => page.getByTestId('targets-done').textContent()).toBe('Đã phân bổ 800.000 cho Tỉnh Hà Tĩnh.');
    const district = page.locator('[data-testid=target-row][data-code="445"] [data-testid=target-input]');
    await expect.poll(async () => Number((await district.inputValue()).replace(/\./g, ''))).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Tỉnh Hà Tĩnh' }).or(page.getByRole('button', { name: 'Tỉnh Hà Tĩnh' })).first().click();
    await expect.poll(() => page.locator('[data-testid=target-row][data-code="42"] [data-testid=target-input]').inputValue()).toBe('800.000');
  });

  it('creates a chief, who chooses a password and creates an officer of its own communes only', async () => {
    await page.goto(`${server.url}/admin/people`);
    await page.getByTestId('person-new').click();
    const form = page.getByTestId('person-form');
    await form.getByLabel('Họ tên').fill(chief.name);
    await form.getByLabel('Tên đăng nhập').fill(chief.login);
    await form.getByLabel('Vai trò').selectOption('chief');
    await form.getByRole('combobox', { name: 'Phạm vi' }).fill('can loc');
    await page.getByRole('option', { name: /^Huyện Can Lộc/ }).click();
    await page.getByTestId('person-create').click();
    await page.getByTestId('one-time-password').waitFor();
    chief.password = (await page.getByTestId('otp-value').textContent())!;
    expect(chief.password).toMatch(/^[\w-]{14,}$/);
    await shot('people-one-time-password');

    await signOut();
    await signIn(chief.login, chief.password);
    await page.getByRole('heading', { name: 'Đặt mật khẩu của bạn' }).waitFor();
    await shot('signin-choose-password');
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('Can Loc 2024 an toàn');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Can Loc 2024 an toàn');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.waitForURL(/\/admin$/);
    await expect.poll(() => page.locator('nav ul a').allTextContents()).toEqual(['Tổng quan', 'Người dùng']);
    await shot('home-chief');

    await page.getByRole('link', { name: 'Người dùng' }).first().click();
    await page.getByTestId('person-new').click();
    const officerForm = page.getByTestId('person-form');
    expect(await officerForm.getByLabel('Vai trò').isDisabled()).toBe(true);
    // Another district's commune is not offered to this chief.
    await officerForm.getByRole('combobox', { name: 'Phạm vi' }).fill('Thạch Kênh');
    await page.waitForTimeout(200);
    expect(await page.getByRole('listbox').count()).toBe(0);
    const commune = units.find((u) => u.parent === '443' && u.name === 'Thiên Lộc')!;
    await officerForm.getByLabel('Họ tên').fill(officer.name);
    await officerForm.getByLabel('Tên đăng nhập').fill(officer.login);
    await officerForm.getByRole('combobox', { name: 'Phạm vi' }).fill('thien loc');
    await page.getByRole('option', { name: new RegExp(`^${commune.fullName}`) }).click();
    await page.getByTestId('person-create').click();
    await page.getByTestId('one-time-password').waitFor();
    officer.password = (await page.getByTestId('otp-value').textContent())!;
    await expect.poll(() => page.getByTestId('person-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-login')))).toEqual([officer.login]);
    await shot('people-chief');
    await phone('people');
  });

  it('shows a disabled account plainly at sign-in', async () => {
    await signOut();
    await signIn(people.admin.login, people.admin.password);
    await page.waitForURL(/\/admin$/);
    await page.goto(`${server.url}/admin/people`);
    const row = page.locator(`[data-testid=person-row][data-login="${officer.login}"]`);
    await row.getByRole('button', { name: 'Khóa' }).click();
    await row.getByRole('button', { name: 'Khóa tài khoản?' }).click();
    await expect.poll(() => row.locator('.badge').last().textContent()).toBe('Đã khóa');
    await shot('people');

    await signOut();
    await signIn(officer.login, officer.password);
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toBe('Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị viên.');
    await shot('signin-disabled');
    await signIn(people.admin.login, people.admin.password);
    await page.waitForURL(/\/admin$/);
  });

  it('makes a display key with the address a TV opens, which shows the wall without signing in; then revokes it', async () => {
    await page.goto(`${server.url}/admin/keys`);
    await page.getByTestId('key-new').click();
    const form = page.getByTestId('key-form');
    await form.getByLabel('Tên khóa').fill('TV phòng chỉ huy tỉnh');
    await page.getByTestId('key-create').click();
    const key = (await page.getByTestId('key-value').textContent())!;
    expect(key).toMatch(/^td_display_/);
    const kiosk = (await page.getByTestId('kiosk-url').textContent())!;
    expect(kiosk).toBe(`${server.url}/?kiosk=1&rotate=30&key=${key}`);
    await shot('keys-created');

    const tv = await context.newPage();
    await tv.goto(kiosk);
    await tv.locator('[data-testid=counter-value]').first().waitFor();
    expect(new URL(tv.url()).pathname).not.toBe('/signin');
    await tv.close();

    const row = page.locator('[data-testid=key-row][data-name="TV phòng chỉ huy tỉnh"]');
    await row.getByTestId('key-revoke').click();
    await row.getByTestId('key-revoke-yes').click();
    await expect.poll(() => row.count()).toBe(0);
    await page.getByLabel('Hiện cả khóa đã thu hồi').check();
    await expect.poll(() => row.textContent()).toMatch(/Thu hồi \d{2}\/\d{2}\/\d{4}/);
    await shot('keys');
  });

  it('shows the unit catalog level by level', async () => {
    await page.goto(`${server.url}/admin/units`);
    await expect.poll(() => page.getByTestId('unit-levels').locator('b').allTextContents()).toEqual(['1', '13', '216']);
    await page.getByRole('button', { name: 'Can Lộc ›' }).click();
    await expect.poll(() => page.getByTestId('units-table').locator('tbody tr').count()).toBe(18);
    await shot('units');
    await page.goto(`${server.url}/admin`);
    await page.getByRole('link', { name: /^Bản đồ địa giới/ }).first().waitFor();
    await shot('home');
  });

  it('lists every step in the audit trail with its author, filters by kind, and exports the same as CSV', async () => {
    // As far back as the campaign's creation.
    const rows = await wholeAuditTrail(page, server.url);
    const entries = await rows.evaluateAll((list) => list.map((r) => ({ action: r.getAttribute('data-action'), count: Number(r.getAttribute('data-count')), text: r.textContent ?? '' })));
    const by = (action: string, author: string) => entries.filter((e) => e.action === action && e.text.includes(author));
    expect(by('campaign.create', 'Quản trị hệ thống')).toHaveLength(1);
    // The sheet's 215 targets are one line, which opens onto its units.
    expect(by('target.import', 'Quản trị hệ thống').map((e) => e.count)).toEqual([215]);
    expect(by('target.set', 'Quản trị hệ thống').filter((e) => e.text.includes('rà soát lại dân số'))).toHaveLength(1);
    expect(by('person.create', 'Quản trị hệ thống').filter((e) => e.text.includes(chief.name))).toHaveLength(1);
    expect(by('person.change-password', chief.name)).toHaveLength(1);
    expect(by('person.create', chief.name).filter((e) => e.text.includes(officer.name))).toHaveLength(1);
    expect(by('person.disable', 'Quản trị hệ thống')).toHaveLength(1);
    expect(by('target.spread', 'Quản trị hệ thống').map((e) => e.count)).toEqual([216]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('audit');

    await page.getByLabel('Loại thay đổi').selectOption('target');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.waitForURL(/kind=target/);
    await expect.poll(async () => [...new Set(await rows.evaluateAll((list) => list.map((r) => r.getAttribute('data-action'))))].sort()).toEqual(['target.import', 'target.set', 'target.spread']);
    await shot('audit-targets');
    await phone('audit');

    const csv = await page.request.get(new URL((await page.getByTestId('audit-csv').getAttribute('href'))!, server.url).toString());
    expect(csv.status()).toBe(200);
    const text = await csv.text();
    expect(text).toContain('Thời điểm');
    expect(text).toContain('rà soát lại dân số');
    expect(text).not.toContain('person.create');
  });
});
