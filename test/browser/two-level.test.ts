/**
 * A province of two levels, as Vietnam has had since 1 July 2025, on the wall: started as the
 * README says (init with a catalog file, serve), run by an administrator, watched on a TV with
 * a display key. The wall ranks communes and no district appears anywhere.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '@tiendo/shared';
import { event, postEvents } from '../helpers/api.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { command, Session, startServe, type ProductionServer } from '../helpers/production.js';
import { removeDir } from '../helpers/server.js';
import { catalogCsv, twoLevelCatalog } from '../helpers/sheets.js';

const today = () => localDate(Date.now(), 'Asia/Ho_Chi_Minh');
/** Words that would betray a district level the catalog does not have. */
const DISTRICT_WORDS = /\b(huyện|quận|district)\b/i;

describe.skipIf(!hasChromium)('the wall of a two-level province', () => {
  let dir: string;
  let server: ProductionServer;
  let displayKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiendo-two-level-'));
    const file = join(dir, 'don-vi.csv');
    writeFileSync(file, catalogCsv(twoLevelCatalog(18)));
    const env = { DATA_DIR: join(dir, 'db'), ROOT_UNIT: '99' };
    const { stdout } = await command(['init', '--admin', 'quantri', '--catalog', file], env);
    const oneTime = /One-time password: (\S+)/.exec(stdout)![1];
    server = await startServe(env);
    const admin = new Session(server.url);
    await admin.signIn('quantri', oneTime);
    await admin.request('POST', '/api/v1/session/password', { current: oneTime, password: 'tỉnh hai cấp 2026' });
    expect((await admin.request('POST', '/api/v1/campaigns', {
      id: 'vneid', name: 'Kích hoạt định danh điện tử — Tỉnh Thử Nghiệm', startDate: addDays(today(), -14), rootUnit: '99',
      metrics: [{ key: 'kich_hoat', name: 'Kích hoạt định danh điện tử mức 2', shortName: 'Kích hoạt' }],
      milestones: [{ name: 'Mốc của Tỉnh', date: addDays(today(), 25), metrics: ['kich_hoat'], document: 'Kế hoạch 12/KH' }],
    })).status).toBe(201);
    await admin.request('POST', '/api/v1/campaigns/vneid/targets/spread', { metric: 'kich_hoat', total: 180_000, reason: 'Chỉ tiêu Bộ giao' });
    const ingest = (await admin.request<{ key: string }>('POST', '/api/v1/keys', { name: 'Phần mềm', role: 'ingest', scope: '99' })).body.key;
    displayKey = (await admin.request<{ key: string }>('POST', '/api/v1/keys', { name: 'TV phòng chỉ huy', role: 'display', scope: '99' })).body.key;
    for (let i = 1; i <= 18; i++) {
      const unit = `99${String(i).padStart(3, '0')}`;
      expect((await postEvents(server.url, ingest, [event({ campaign: 'vneid', metric: 'kich_hoat', unit, delta: 150 + i * 23, occurredAt: `${addDays(today(), -2)}T10:00:00+07:00`, confirmed: true })])).status).toBe(200);
    }
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) removeDir(dir);
  });

  it('ranks the communes, draws them, and names no district', async () => {
    const browser = await launch({ width: 1920, height: 1080 });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/?key=${displayKey}`);
      await page.waitForSelector('[data-testid=rank-row]', { timeout: 15_000 });
      const ranked = await page.locator('[data-testid=rank-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
      expect(ranked).toHaveLength(18);
      expect(ranked.every((code) => /^99\d{3}$/.test(code ?? ''))).toBe(true);
      await page.screenshot({ path: artifact('two-level-wall.png') });
      await page.waitForSelector('[data-testid=map-units] path');
      expect(await page.locator('[data-testid=map-units] path[data-code="99001"]').count()).toBe(1);
      await page.screenshot({ path: artifact('two-level-wall.png') });
      expect(await page.locator('body').innerText()).not.toMatch(DISTRICT_WORDS);

      await page.locator('[data-testid=rank-row][data-code="99002"] a').click();
      await page.waitForURL(/\/commune\/99002/);
      await page.waitForSelector('[data-testid=counter-value]');
      await page.screenshot({ path: artifact('two-level-commune.png') });
      expect(await page.locator('body').innerText()).not.toMatch(DISTRICT_WORDS);
    } finally {
      await browser.dispose();
    }
  });
});
