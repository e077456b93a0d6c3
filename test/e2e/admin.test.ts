/**
 * Running a real campaign from nothing, over HTTP as the admin pages do: the documented
 * production start (init, then serve), signing in, a campaign with two metrics and their own
 * milestones, targets from an office's XLSX sheet, people, a target revised with its reason,
 * counts from a key and from an officer, and the audit trail naming every step's author.
 * The same on a two-level catalog, where no district may appear.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, CampaignInfo, HistoryResponse, PersonCreated, Snapshot, TargetImportPreview, TargetRow, TargetVersion } from '@tiendo/shared';
import { addDays, localDate } from '@tiendo/shared';
import { event, get, post, postEvents } from '../helpers/api.js';
import { command, Session, startServe, type ProductionServer } from '../helpers/production.js';
import { freshPostgres, removeDir } from '../helpers/server.js';
import { catalogCsv, targetWorkbook, twoLevelCatalog, type TargetRow as SheetRow } from '../helpers/sheets.js';

const TZ = 'Asia/Ho_Chi_Minh';
const today = () => localDate(Date.now(), TZ);

/** A fresh database: PostgreSQL when there is one to test on, else an embedded one. */
async function freshDeployment(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const pg = await freshPostgres();
  if (pg) return { env: { DATABASE_URL: pg.url }, drop: pg.drop };
  const dir = mkdtempSync(join(tmpdir(), 'tiendo-admin-'));
  return { env: { DATA_DIR: dir }, drop: async () => removeDir(dir) };
}

/** `init` prints the one-time password of the first administrator. */
async function init(env: Record<string, string>, args: string[]): Promise<string> {
  const { stdout } = await command(['init', ...args], env);
  const match = /One-time password: (\S+)/.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return match![1];
}

/** Signs in and replaces a one-time password, as the sign-in page makes a person do. */
async function signInFirstTime(url: string, login: string, oneTime: string, password: string): Promise<Session> {
  const session = new Session(url);
  expect((await session.signIn(login, oneTime)).body).toMatchObject({ mustChangePassword: true });
  const blocked = await session.request('GET', '/api/v1/people');
  expect(blocked.status).toBe(403);
  expect(blocked.body).toMatchObject({ message: expect.stringMatching(/^password: choose your own password first/) });
  expect((await session.request('POST', '/api/v1/session/password', { current: oneTime, password })).status).toBe(200);
  return session;
}

describe('a province runs its own campaign from an empty database', () => {
  let deployment: Awaited<ReturnType<typeof freshDeployment>>;
  let server: ProductionServer;
  let admin: Session;
  const start = addDays(today(), -20);

  beforeAll(async () => {
    deployment = await freshDeployment();
    const oneTime = await init(deployment.env, ['--admin', 'chi.huong', '--name', 'Nguyễn Thị Hương']);
    server = await startServe(deployment.env);
    admin = await signInFirstTime(server.url, 'chi.huong', oneTime, 'mật khẩu đủ dài 2023');
  });

  afterAll(async () => {
    await server?.stop();
    await deployment?.drop();
  });

  it('refuses a wrong password with a reason, and takes the right one', async () => {
    const wrong = await new Session(server.url).signIn('chi.huong', 'not the password');
    expect(wrong).toMatchObject({ status: 401, body: { message: 'login: wrong login or password' } });
    expect((await new Session(server.url).signIn('nobody', 'whatever it is')).status).toBe(401);
    expect((await new Session(server.url).signIn('CHI.HUONG', 'mật khẩu đủ dài 2023')).body).toMatchObject({ mustChangePassword: false });
    expect((await get(server.url, '/api/v1/campaigns')).body).toEqual([]);
  });

  it('creates a campaign with two metrics, each with its own milestone', async () => {
    const created = await admin.request<CampaignInfo>('POST', '/api/v1/campaigns', {
      id: 'ha-tinh-2026', name: 'Thu nhận CCCD và định danh điện tử', startDate: start, rootUnit: '42',
      metrics: [
        { key: 'cccd', name: 'Thu nhận CCCD gắn chip', shortName: 'CCCD' },
        { key: 'vneid', name: 'Kích hoạt định danh điện tử mức 2', shortName: 'ĐDĐT kích hoạt', startDate: addDays(start, 5) },
      ],
      milestones: [
        { name: 'Cam kết của Giám đốc', date: addDays(today(), 30), metrics: ['cccd'], document: 'Cam kết ngày 01/3' },
        { name: 'Chỉ tiêu điện 16/HT', date: addDays(today(), 45), metrics: ['vneid'], document: 'Điện 16/HT ngày 21/3/2023' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.milestones.map((m) => [m.name, m.metrics])).toEqual([
      ['Cam kết của Giám đốc', ['cccd']],
      ['Chỉ tiêu điện 16/HT', ['vneid']],
    ]);
    const again = await admin.request('POST', '/api/v1/campaigns', { ...created.body, status: undefined, commitments: undefined });
    expect(again).toMatchObject({ status: 409, body: { message: 'id: a campaign "ha-tinh-2026" exists already' } });
    const bad = await admin.request('POST', '/api/v1/campaigns', {
      id: 'x', name: 'x', startDate: start, rootUnit: '42', metrics: [{ key: 'a', name: 'A' }], milestones: [{ name: 'M', date: start, metrics: ['b'] }],
    });
    expect(bad).toMatchObject({ status: 400, body: { message: 'milestones[0].metrics[0]: "b" is not a metric of the campaign' } });
  });

  it('imports targets from an office sheet: merged title, subtotals and a total checked, a bad cell reported', async () => {
    const snapshot = (await admin.request<Snapshot>('GET', '/api/v1/campaigns/ha-tinh-2026/snapshot?scope=445')).body;
    const communes = snapshot.units.filter((u) => u.level === 'commune');
    const rows = communes.map((c, i): SheetRow => ({
      // Codes for some rows, names only (without diacritics for a few) for the others.
      code: i % 2 ? null : c.code,
      name: i % 3 === 0 ? c.fullName.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D') : c.fullName,
      target: 4000 + i * 10,
    }));
    const bad = rows.length - 1;
    rows[bad] = { ...rows[bad], target: '12a' };
    const sum = rows.reduce((a, r) => a + (typeof r.target === 'number' ? r.target : 0), 0);
    const file = await targetWorkbook([{
      name: 'Thạch Hà', title: 'CHỈ TIÊU THU NHẬN CCCD NĂM 2026 — HUYỆN THẠCH HÀ',
      rows: [...rows, { code: null, name: 'Tổng cộng', target: sum, subtotal: true }],
    }]);
    const preview = await admin.request<TargetImportPreview>('POST', '/api/v1/campaigns/ha-tinh-2026/targets/import?metric=cccd&name=chi-tieu.xlsx', undefined,
      { bytes: file, type: 'application/octet-stream' });
    expect(preview.status).toBe(200);
    expect(preview.body.matched).toHaveLength(communes.length - 1);
    expect(preview.body.problems.map((p) => p.message)).toEqual([`row ${4 + bad}, column "Chỉ tiêu (người)": "12a" is not a number`]);
    expect(new Set(preview.body.matched.map((m) => m.by))).toEqual(new Set(['code', 'name']));
    expect(preview.body.total).toBe(sum);
    // Nothing is applied before confirmation.
    expect((await admin.request<TargetRow[]>('GET', '/api/v1/campaigns/ha-tinh-2026/targets?metric=cccd')).body.every((t) => t.target === 0)).toBe(true);

    const confirmed = await admin.request('POST', `/api/v1/campaigns/ha-tinh-2026/targets/import/${preview.body.importId}/confirm`, { reason: 'Chỉ tiêu năm 2026' });
    expect(confirmed).toMatchObject({ status: 200, body: { changed: communes.length - 1 } });
    const again = await admin.request('POST', `/api/v1/campaigns/ha-tinh-2026/targets/import/${preview.body.importId}/confirm`, { reason: 'again' });
    expect(again.status).toBe(404);
    const district = (await admin.request<TargetRow[]>('GET', '/api/v1/campaigns/ha-tinh-2026/targets?metric=cccd')).body.find((t) => t.unit === '445')!;
    expect(district).toEqual({ unit: '445', target: sum, explicit: false });
  });

  it('refuses a sheet that is not one, naming why', async () => {
    const csv = new TextEncoder().encode('Mã,Tên\n18586,Thạch Kênh\n');
    const answer = await admin.request('POST', '/api/v1/campaigns/ha-tinh-2026/targets/import?metric=cccd&name=a.csv', undefined, { bytes: csv, type: 'text/csv' });
    expect(answer).toMatchObject({ status: 422, body: { message: expect.stringMatching(/no header row with a target column/) } });
    const latin1 = Uint8Array.from([0x4d, 0xe3, 0x2c, 0x43, 0x68, 0x1c, 0x0a]);
    expect((await admin.request('POST', '/api/v1/campaigns/ha-tinh-2026/targets/import?metric=cccd&name=b.csv', undefined, { bytes: latin1, type: 'text/csv' })).body)
      .toMatchObject({ message: expect.stringMatching(/is not UTF-8 text/) });
  });

  let chief: PersonCreated;
  let officer: PersonCreated;

  it('creates a unit chief and an officer; the chief manages officers of its district only', async () => {
    const made = await admin.request<PersonCreated>('POST', '/api/v1/people', { login: 'truong.thachha', name: 'Trần Văn Bình', role: 'chief', scope: '445' });
    expect(made.status).toBe(201);
    chief = made.body;
    expect(chief.oneTimePassword).toMatch(/^\w{4}-\w{4}-\w{4}-\w{4}$/);
    const chiefSession = await signInFirstTime(server.url, 'truong.thachha', chief.oneTimePassword!, 'chief password 445');
    const byChief = await chiefSession.request<PersonCreated>('POST', '/api/v1/people', { login: 'canbo.18586', name: 'Lê Thị Cúc', role: 'officer', scope: '18586' });
    expect(byChief.status).toBe(201);
    officer = byChief.body;
    expect((await chiefSession.request('POST', '/api/v1/people', { login: 'x.y', name: 'X', role: 'officer', scope: '18115' })).status).toBe(403);
    expect((await chiefSession.request('POST', '/api/v1/people', { login: 'x.z', name: 'X', role: 'chief', scope: '445' })).status).toBe(403);
    expect((await admin.request('POST', '/api/v1/people', { login: 'y.z', name: 'Y', role: 'officer', scope: '445' })).body)
      .toMatchObject({ message: expect.stringMatching(/^scope: a commune officer belongs to a commune/) });
    expect((await chiefSession.request<unknown[]>('GET', '/api/v1/people')).body).toHaveLength(1);
  });

  it('revises a target with its reason; history shows the target as it stood', async () => {
    const revised = await admin.request('PUT', '/api/v1/campaigns/ha-tinh-2026/targets', {
      metric: 'cccd', reason: 'Rà soát lại số công dân đủ tuổi', targets: [{ unit: '18586', target: 4321 }],
    });
    expect(revised).toMatchObject({ status: 200, body: { changed: 1 } });
    const versions = (await admin.request<TargetVersion[]>('GET', '/api/v1/campaigns/ha-tinh-2026/targets/versions?metric=cccd&unit=18586')).body;
    expect(versions.map((v) => [v.target, v.reason, v.author])).toEqual([
      [4321, 'Rà soát lại số công dân đủ tuổi', 'Nguyễn Thị Hương'],
      [expect.any(Number), 'Chỉ tiêu năm 2026', 'Nguyễn Thị Hương'],
    ]);
    expect(await admin.request('PUT', '/api/v1/campaigns/ha-tinh-2026/targets', { metric: 'cccd', targets: [{ unit: '18586', target: 1 }] }))
      .toMatchObject({ status: 400, body: { message: expect.stringMatching(/^reason: /) } });
    // Yesterday, before any revision, shows the target first set; today the revised one.
    const target = async (date: string) =>
      (await admin.request<HistoryResponse>('GET', `/api/v1/campaigns/ha-tinh-2026/history?scope=18586&date=${date}`)).body.values[0].metrics.cccd.target;
    expect(await target(addDays(today(), -1))).toBe(versions[1].target);
    expect(await target(today())).toBe(4321);
  });

  it('counts from a key and from the officer, within their scopes', async () => {
    const key = await admin.request<{ key: string }>('POST', '/api/v1/keys', { name: 'Phần mềm thu nhận', role: 'ingest', scope: '42' });
    expect(key.status).toBe(201);
    expect((await postEvents(server.url, key.body.key, [event({ campaign: 'ha-tinh-2026', metric: 'cccd', unit: '18586', delta: 120 })])).status).toBe(200);
    const officerSession = await signInFirstTime(server.url, 'canbo.18586', officer.oneTimePassword!, 'officer password 1');
    const own = await officerSession.request('POST', '/api/v1/events', { events: [event({ campaign: 'ha-tinh-2026', metric: 'cccd', unit: '18586', delta: 7 })] });
    expect(own.status).toBe(200);
    const other = await officerSession.request('POST', '/api/v1/events', { events: [event({ campaign: 'ha-tinh-2026', metric: 'cccd', unit: '18589', delta: 7 })] });
    expect(other).toMatchObject({ status: 403, body: { message: expect.stringMatching(/you may only report for unit 18586/) } });
    // Screens follow the change log, on PostgreSQL a moment after the answer: wait for it.
    const cccd = async () => (await get<Snapshot>(server.url, '/api/v1/campaigns/ha-tinh-2026/snapshot?scope=18586', key.body.key)).body.values[0].metrics.cccd;
    await expect.poll(async () => (await cccd()).value, { timeout: 5000 }).toBe(127);
    expect(await cccd()).toMatchObject({ value: 127, target: 4321 });
  });

  it('lists to a kiosk turning through every campaign those whose whole wall its key may show', async () => {
    const key = async (scope: string) => (await admin.request<{ key: string }>('POST', '/api/v1/keys', { name: `TV ${scope}`, role: 'display', scope })).body.key;
    const readable = async (k?: string) => {
      const answer = await get<CampaignInfo[] | { message: string }>(server.url, '/api/v1/campaigns?readable=true', k);
      return answer.status === 200 ? (answer.body as CampaignInfo[]).map((c) => c.id) : answer;
    };
    expect(await readable(await key('42'))).toEqual(['ha-tinh-2026']);
    // A district's TV may show its district, not the province's wall.
    expect(await readable(await key('445'))).toEqual([]);
    expect((await get<CampaignInfo[]>(server.url, '/api/v1/campaigns')).body.map((c) => c.id)).toEqual(['ha-tinh-2026']);
    // These displays are not public: a kiosk without a key is told so.
    expect(await readable()).toMatchObject({ status: 401, body: { message: 'Authorization: a display key is required, or sign in' } });
    expect(await get(server.url, '/api/v1/campaigns?readable=yes')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^readable: /) } });
  });

  it('ends every session of a disabled person at once', async () => {
    const officerSession = new Session(server.url);
    expect((await officerSession.signIn('canbo.18586', 'officer password 1')).status).toBe(200);
    expect((await officerSession.request('GET', '/api/v1/session')).status).toBe(200);
    expect((await admin.request('PATCH', `/api/v1/people/${officer.id}`, { disabled: true })).status).toBe(200);
    expect((await officerSession.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await new Session(server.url).signIn('canbo.18586', 'officer password 1')).body).toMatchObject({ message: 'login: this account is disabled; ask your administrator' });
  });

  it('lists every step in the audit trail with its author, and exports it', async () => {
    const page = (await admin.request<AuditPage>('GET', '/api/v1/audit?limit=100')).body;
    const steps = page.entries.map((e) => `${e.action} · ${e.actor.name}`).reverse();
    for (const step of [
      'person.create · init',
      'person.change-password · Nguyễn Thị Hương',
      'campaign.create · Nguyễn Thị Hương',
      'target.import · Nguyễn Thị Hương',
      'person.create · Nguyễn Thị Hương',
      'person.create · Trần Văn Bình',
      'target.set · Nguyễn Thị Hương',
      'key.create · Nguyễn Thị Hương',
      'person.disable · Nguyễn Thị Hương',
    ]) expect(steps).toContain(step);
    const revision = page.entries.find((e) => e.action === 'target.set')!;
    expect(revision).toMatchObject({ unit: '18586', reason: 'Rà soát lại số công dân đủ tuổi', after: { metric: 'cccd', target: 4321 } });

    const people = (await admin.request<AuditPage>('GET', '/api/v1/audit?kind=person')).body.entries;
    expect(people.every((e) => e.action.startsWith('person.'))).toBe(true);
    const csv = await admin.bytes('/api/v1/audit?format=csv&unit=18586');
    expect(csv.type).toMatch(/^text\/csv/);
    // With its byte-order mark, so that Excel reads the Vietnamese right.
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(csv.bytes);
    expect(text.split('\r\n')[0]).toBe('STT,Thời điểm,Người thực hiện,Loại,Hành động,Đối tượng,Đơn vị,Chiến dịch,Trước,Sau,Lý do');
    expect(text).toContain('Rà soát lại số công dân đủ tuổi');
  });
});

describe('a province of two levels, as since 1 July 2025', () => {
  let deployment: Awaited<ReturnType<typeof freshDeployment>>;
  let server: ProductionServer;
  let admin: Session;

  beforeAll(async () => {
    deployment = await freshDeployment();
    const dir = mkdtempSync(join(tmpdir(), 'tiendo-catalog-'));
    const file = join(dir, 'don-vi.csv');
    (await import('node:fs')).writeFileSync(file, catalogCsv(twoLevelCatalog()));
    const oneTime = await init({ ...deployment.env, ROOT_UNIT: '99' }, ['--admin', 'quantri', '--catalog', file]);
    removeDir(dir);
    server = await startServe({ ...deployment.env, ROOT_UNIT: '99' });
    admin = await signInFirstTime(server.url, 'quantri', oneTime, 'hai cấp hành chính');
  });

  afterAll(async () => {
    await server?.stop();
    await deployment?.drop();
  });

  it('runs a campaign over communes directly under the province: no district anywhere', async () => {
    const created = await admin.request('POST', '/api/v1/campaigns', {
      id: 'thu-nghiem', name: 'Định danh điện tử 2026', startDate: addDays(today(), -10), rootUnit: '99',
      metrics: [{ key: 'vneid', name: 'Kích hoạt VNeID' }], milestones: [{ name: 'Mốc tỉnh', date: addDays(today(), 20), metrics: ['vneid'] }],
    });
    expect(created.status).toBe(201);
    const spread = await admin.request('POST', '/api/v1/campaigns/thu-nghiem/targets/spread', { metric: 'vneid', total: 240_000, reason: 'Chỉ tiêu Bộ giao' });
    expect(spread).toMatchObject({ status: 200, body: { changed: 24 } });
    const key = (await admin.request<{ key: string }>('POST', '/api/v1/keys', { name: 'Xã 1', role: 'ingest', scope: '99001' })).body.key;
    expect((await postEvents(server.url, key, [event({ campaign: 'thu-nghiem', metric: 'vneid', unit: '99001', delta: 300 })])).status).toBe(200);

    const snapshot = async () => (await admin.request<Snapshot>('GET', '/api/v1/campaigns/thu-nghiem/snapshot?scope=99')).body;
    await expect.poll(async () => (await snapshot()).values.find((v) => v.code === '99')!.metrics.vneid.value, { timeout: 5000 }).toBe(300);
    const body = await snapshot();
    expect(new Set(body.units.map((u) => u.level))).toEqual(new Set(['province', 'commune']));
    expect(JSON.stringify(body)).not.toMatch(/district|huyện|Huyện/);
    const province = body.values.find((v) => v.code === '99')!.metrics.vneid;
    expect(province).toMatchObject({ value: 300, target: 240_000 });
    // Spread by population, sums exact.
    const targets = body.values.filter((v) => v.code !== '99').map((v) => v.metrics.vneid.target);
    expect(targets.reduce((a, b) => a + b, 0)).toBe(240_000);
    expect(new Set(targets).size).toBeGreaterThan(1);
  });

  it('lets only an administrator who may place a catalog confirm it, whoever read it', async () => {
    // The province read again, hung nowhere (no parent): its administrator may place it.
    const file = catalogCsv(twoLevelCatalog().map((u) => (u.code === '99' ? { ...u, parent: '' } : u)));
    const read = await admin.request<{ ok: boolean; importId: string }>('POST', '/api/v1/units/import?name=don-vi.csv', undefined, { bytes: file, type: 'text/csv' });
    expect(read.body).toMatchObject({ ok: true, importId: expect.any(String) });
    const made = await admin.request<PersonCreated>('POST', '/api/v1/people', { login: 'qt.xa1', name: 'Quản trị xã 1', role: 'admin', scope: '99001' });
    const communeAdmin = await signInFirstTime(server.url, 'qt.xa1', made.body.oneTimePassword!, 'quản trị một xã');
    expect(await communeAdmin.request('POST', `/api/v1/units/import/${read.body.importId}/confirm`))
      .toMatchObject({ status: 403, body: { message: 'file: unit 99 would be placed outside your unit 99001' } });
    // Refused, the catalog waits for one who may place it.
    expect(await admin.request('POST', `/api/v1/units/import/${read.body.importId}/confirm`)).toMatchObject({ status: 200, body: { units: 25 } });
  });

  it('shows the catalog problems of a bad file before anything is loaded', async () => {
    const units = twoLevelCatalog(3);
    const bad = catalogCsv([...units, { ...units[1] }, { code: '99100', name: 'Xã Lạc', type: 'Xã', parent: '98' }, { code: '99101', name: 'Xã Sai', type: 'Ấp', parent: '99' }]);
    const preview = await admin.request<{ ok: boolean; problems: { message: string }[] }>('POST', '/api/v1/units/import?name=x.csv', undefined, { bytes: bad, type: 'text/csv' });
    expect(preview.status).toBe(200);
    expect(preview.body.ok).toBe(false);
    expect(preview.body.problems.map((p) => p.message)).toEqual([
      'row 6: code 99001 is already on row 3',
      'row 8: "Ấp" is not a unit type (Tỉnh, Thành phố, Huyện, Quận, Thị xã, Xã, Phường, Thị trấn, Đặc khu)',
      'row 7: parent 98 of 99100 is neither in the file nor loaded',
    ]);
  });
});
