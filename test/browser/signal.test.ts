/**
 * What a wall says when it cannot be live, in real Chromium against real server processes: the
 * signal lost (server stopped, or the network gone) as a banner over dimmed figures that keep
 * their last values, with the map still drawn, from memory or from the browser's store; a
 * revoked or missing key said in full and forgotten; a server without a campaign, and a district's
 * key asked to turn through every campaign, none of which it may show whole; a kiosk on
 * plain http, where the screen cannot be kept awake. Screenshots of each go to test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyCreated, Snapshot } from '@tiendo/shared';
import type { Page } from 'playwright-core';
import { haTinhBoundaries, jsonBytes } from '../helpers/boundaries.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { confirmMap, importMap } from '../helpers/maps.js';
import { expectedCounters, open, waitForCounters } from '../helpers/screens.js';
import { post } from '../helpers/api.js';
import { seedProgress, snapshot } from '../helpers/seed.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const STORAGE_KEY = 'tiendo.displayKey';
const banner = (page: Page) => page.getByTestId('status-banner');
const mapPaths = (page: Page) => page.locator('[data-testid=map-units] path').count();
const contentOpacity = (page: Page) => page.getByTestId('screen-content').evaluate((el) => Number(getComputedStyle(el).opacity));

describe.skipIf(!hasChromium)('a wall that cannot be live, in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let seeded: Snapshot;

  beforeAll(async () => {
    server = await startServer();
    seeded = await seedProgress(server);
    // Imported boundaries, so that the map drawn during an outage is told from the schematic a
    // screen could make up from its units.
    const imported = await importMap(server, jsonBytes(haTinhBoundaries().communes), { level: 'commune' });
    expect(imported.status).toBe(200);
    expect((await confirmMap(server, imported.body.importId!)).status).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('dims the last values under a banner when the server stops, keeps the map, and comes back live', async () => {
    const browser = await launch();
    try {
      // A district's map received once, in an earlier visit: the browser keeps it.
      let page = await open(browser, server, '/district/445');
      await expect.poll(() => mapPaths(page), { timeout: 15_000 }).toBe(seeded.units.filter((u) => u.parent === '445').length);
      await expect.poll(() => page.getByText('Sơ đồ minh họa').count()).toBe(0);

      page = await open(browser, server, '/');
      const expected = expectedCounters(seeded);
      await waitForCounters(page, expected);
      await expect.poll(() => mapPaths(page), { timeout: 15_000 }).toBe(13);
      await expect.poll(() => page.getByText('Sơ đồ minh họa').count()).toBe(0);
      expect(await banner(page).count()).toBe(0);
      expect(await contentOpacity(page)).toBe(1);

      const { port } = new URL(server.url);
      await server.stop();
      await expect.poll(() => banner(page).textContent(), { timeout: 20_000 }).toMatch(/Mất tín hiệu · số liệu dừng lúc \d\d:\d\d:\d\d, \d+ giây trước/);
      await expect.poll(() => contentOpacity(page)).toBeLessThan(0.5);
      // The last values stay, and so does the map.
      expect(await page.locator('[data-testid=counter-value]').allTextContents()).toEqual(expected);
      expect(await mapPaths(page)).toBe(13);
      expect(await page.getByText('Sơ đồ minh họa').count()).toBe(0);
      await page.waitForTimeout(1200);
      await page.screenshot({ path: artifact('signal-lost-wall.png') });

      // Moving to a district during the outage (as a rotating kiosk does) draws its map from
      // the browser's store: the imported boundaries, not the schematic made up from the units.
      await page.locator('[data-testid=rank-row][data-code="445"] a').click();
      await page.waitForURL((url) => url.pathname === '/district/445');
      await expect.poll(() => mapPaths(page), { timeout: 5000 }).toBe(seeded.units.filter((u) => u.parent === '445').length);
      expect(await page.getByText('Sơ đồ minh họa').count()).toBe(0);
      await expect.poll(() => banner(page).count()).toBe(1);
      await page.waitForTimeout(1200);
      await page.screenshot({ path: artifact('signal-lost-district.png') });

      server = await startServer({ port: Number(port), dataDir: server.dataDir });
      await expect.poll(() => banner(page).count(), { timeout: 30_000 }).toBe(0);
      await expect.poll(() => contentOpacity(page), { timeout: 5000 }).toBe(1);
    } finally {
      await browser.dispose();
    }
  });

  it('says so when the network is gone, and counts how long', async () => {
    const browser = await launch({ width: 1280, height: 720 });
    try {
      const page = await open(browser, server, '/');
      await waitForCounters(page, expectedCounters(await snapshot(server)));
      // This browser is new, so its store is empty: the map must have arrived before the network goes.
      await expect.poll(() => mapPaths(page), { timeout: 15_000 }).toBe(13);
      await browser.setOffline(true);
      await expect.poll(() => banner(page).textContent(), { timeout: 30_000 }).toContain('Mất tín hiệu');
      const first = await banner(page).textContent();
      await page.waitForTimeout(2000);
      expect(await banner(page).textContent()).not.toBe(first); // the age moves on
      expect(await mapPaths(page)).toBe(13);
      await page.screenshot({ path: artifact('signal-offline-1280x720.png') });
      await browser.setOffline(false);
      await expect.poll(() => banner(page).count(), { timeout: 30_000 }).toBe(0);
    } finally {
      await browser.dispose();
    }
  });

  it('says plainly that a revoked key is no longer valid, at once and after a restart, and forgets it', async () => {
    const created = await post<KeyCreated>(server.url, '/api/v1/keys', server.keys.admin, { name: 'TV phòng chỉ huy', role: 'display', scope: '42' });
    expect(created.status).toBe(201);
    const browser = await launch();
    try {
      // The TV opened its address with the key once; it comes back to the bare address.
      const page = await browser.newPage();
      await page.goto(`${server.url}/?key=${created.body.key}&kiosk=1`);
      await waitForCounters(page, expectedCounters(await snapshot(server)));
      expect(await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toBe(created.body.key);

      // Revoked while on screen: the server ends the access, the figures dim under the banner.
      await page.goto(`${server.url}/?kiosk=1`);
      await waitForCounters(page, expectedCounters(await snapshot(server)));
      const revoked = await fetch(`${server.url}/api/v1/keys/${created.body.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${server.keys.admin}` } });
      expect(revoked.status).toBe(200);
      await expect.poll(() => banner(page).textContent(), { timeout: 15_000 }).toContain('Khóa hiển thị đã bị thu hồi hoặc không hợp lệ');
      expect(await banner(page).textContent()).toContain('?key=');
      await expect.poll(() => contentOpacity(page), { timeout: 5000 }).toBeLessThan(0.5);
      expect(await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toBeNull();
      await page.screenshot({ path: artifact('signal-key-revoked-live.png') });

      // Revoked while the TV was off: it starts with the stored key and is refused at once.
      await page.evaluate(([k, v]) => localStorage.setItem(k, v), [STORAGE_KEY, created.body.key]);
      await page.reload();
      await expect.poll(() => banner(page).textContent(), { timeout: 15_000 }).toContain('Khóa hiển thị đã bị thu hồi hoặc không hợp lệ');
      expect(await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toBeNull();
      expect(await page.getByTestId('waiting').count()).toBe(0);
      await page.screenshot({ path: artifact('signal-key-revoked.png') });
    } finally {
      await browser.dispose();
    }
  });
});

describe.skipIf(!hasChromium)('a wall without a key or without a campaign, in Chromium', () => {
  it('asks for a key when the server shows nothing without one', async () => {
    const server = await startServer({ env: { PUBLIC_DISPLAY: 'false' } });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      await expect.poll(() => banner(page).textContent(), { timeout: 15_000 }).toContain('Màn hình chưa có khóa hiển thị');
      await page.screenshot({ path: artifact('signal-no-key.png') });
    } finally {
      await browser.dispose();
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  it('tells a district\'s kiosk turning through every campaign that its key shows none whole, and where its district is', async () => {
    const server = await startServer({ env: { PUBLIC_DISPLAY: 'false' } });
    const created = await post<KeyCreated>(server.url, '/api/v1/keys', server.keys.admin, { name: 'TV Công an huyện Thạch Hà', role: 'display', scope: '445' });
    expect(created.status).toBe(201);
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/?key=${created.body.key}&kiosk=1&rotate=5&campaigns=all`);
      const waiting = page.getByTestId('waiting');
      await expect.poll(() => waiting.textContent(), { timeout: 15_000 }).toContain('Mã này không xem được trọn chiến dịch nào');
      // The server has a campaign: nothing says otherwise, nor how to make one.
      expect(await waiting.textContent()).not.toContain('node server/dist/main.js demo');
      // Its key was admitted: the screen is connected, only there is nothing it may show.
      await expect.poll(() => page.getByTestId('freshness').textContent(), { timeout: 15_000 }).toContain('Cập nhật lúc');
      await page.screenshot({ path: artifact('signal-district-key-all-campaigns.png') });
      // Where the help sends it, the district is live.
      await page.goto(`${server.url}/district/445?kiosk=1`);
      await waitForCounters(page, expectedCounters(await snapshot(server), '445'));
    } finally {
      await browser.dispose();
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  it('says that the server has no campaign, and how to get one, instead of connecting forever', async () => {
    const server = await startServer({ command: 'serve', env: { PUBLIC_DISPLAY: 'true' } });
    const browser = await launch();
    try {
      expect(await (await fetch(`${server.url}/api/v1/campaigns`)).json()).toEqual([]);
      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      const waiting = page.getByTestId('waiting');
      await expect.poll(() => waiting.textContent(), { timeout: 15_000 }).toContain('Máy chủ chưa có chiến dịch nào');
      expect(await waiting.textContent()).toContain('node server/dist/main.js demo');
      // Connected to a server that has nothing to show: not "Đang kết nối…".
      await expect.poll(() => page.getByTestId('freshness').textContent(), { timeout: 15_000 }).toContain('Cập nhật lúc');
      await page.screenshot({ path: artifact('signal-no-campaign.png') });
    } finally {
      await browser.dispose();
      await server.stop();
      removeDir(server.dataDir);
    }
  });

  it('says in a kiosk on plain http that the screen may go to sleep, and why', async () => {
    const server = await startServer();
    const { port } = new URL(server.url);
    // A name on the LAN rather than localhost: not a secure context, as on a TV.
    const browser = await launch({ width: 1920, height: 1080 }, ['--host-resolver-rules=MAP tv-phong-chi-huy.lan 127.0.0.1']);
    try {
      const page = await browser.newPage();
      await page.goto(`http://tv-phong-chi-huy.lan:${port}/?key=${server.keys.display}&kiosk=1`);
      expect(await page.evaluate(() => isSecureContext)).toBe(false);
      const note = page.getByTestId('wake-lock');
      await expect.poll(() => note.textContent(), { timeout: 15_000 }).toContain('giữ màn hình sáng cần HTTPS');
      expect(await note.textContent()).toContain(`http://tv-phong-chi-huy.lan:${port}`);
      await waitForCounters(page, expectedCounters(await snapshot(server)));
      await page.screenshot({ path: artifact('signal-wake-lock-http.png') });
    } finally {
      await browser.dispose();
      await server.stop();
      removeDir(server.dataDir);
    }
  });
});
