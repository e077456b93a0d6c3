/**
 * A boundary file imported through the admin page in real Chromium, while a wall display and a
 * district view stay open: both switch to the new map without a reload. Screenshots of the
 * province and a district map, schematic and imported, go to test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { haTinhBoundaries, jsonBytes } from '../helpers/boundaries.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { open } from '../helpers/screens.js';
import { seedProgress } from '../helpers/seed.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const boundaries = haTinhBoundaries();
const communesOf445 = boundaries.units.filter((u) => u.parent === '445').length;
const unitPath = (page: Page, code: string) => page.locator(`svg path[data-code="${code}"]`).first();

describe.skipIf(!hasChromium)('importing a boundary file in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let context: Awaited<ReturnType<typeof launch>>;

  beforeAll(async () => {
    server = await startServer();
    await seedProgress(server);
    context = await launch();
  });

  afterAll(async () => {
    await context?.dispose();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('switches an open wall and district view to the map confirmed on the admin page, without a reload', async () => {
    const wall = await open(context, server, '/');
    await expect.poll(() => wall.locator('svg path[data-code^="4"][role="button"]').count(), { timeout: 15_000 }).toBe(13);
    await wall.waitForTimeout(1500);
    const schematicOutline = await unitPath(wall, '443').getAttribute('d');
    await expect.poll(() => wall.getByText('Sơ đồ minh họa').count()).toBeGreaterThan(0);
    await wall.screenshot({ path: artifact('maps-province-schematic.png') });
    await wall.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const district = await context.newPage();
    await district.goto(`${server.url}/district/445?key=${server.keys.display}`);
    await expect.poll(() => district.locator('svg path[data-code^="18"][role="button"]').count(), { timeout: 15_000 }).toBe(communesOf445);
    await district.waitForTimeout(1500);
    const schematicCommune = await unitPath(district, '18586').getAttribute('d');
    await district.screenshot({ path: artifact('maps-district-schematic.png') });

    const admin = await context.newPage();
    await admin.goto(`${server.url}/admin/maps`);
    await admin.fill('input[type=password]', server.keys.admin);
    await admin.click('button[type=submit]');
    await admin.setInputFiles('[data-testid=map-file]', {
      name: 'ranh-gioi-xa.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(jsonBytes(boundaries.communes)),
    });
    const report = admin.locator('[data-testid=match-report]');
    await report.waitFor({ timeout: 15_000 });
    await expect.poll(() => report.locator('.tile').first().textContent()).toMatch(/216\s*trên 216 đơn vị/);
    await admin.screenshot({ path: artifact('maps-admin-report.png'), fullPage: true });
    await admin.click('[data-testid=map-confirm]');
    await admin.locator('[data-testid=map-confirmed]').waitFor();

    // The open screens take the new map within seconds, on the same page.
    await expect.poll(() => unitPath(wall, '443').getAttribute('d'), { timeout: 5000 }).not.toBe(schematicOutline);
    await expect.poll(() => unitPath(district, '18586').getAttribute('d'), { timeout: 5000 }).not.toBe(schematicCommune);
    expect(await wall.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await wall.getByText('Sơ đồ minh họa').count()).toBe(0);
    expect(await wall.locator('svg path[data-code^="4"][role="button"]').count()).toBe(13);
    await wall.waitForTimeout(1500);
    await wall.screenshot({ path: artifact('maps-province-imported.png') });
    await district.waitForTimeout(1500);
    await district.screenshot({ path: artifact('maps-district-imported.png') });

    await wall.getByRole('button', { name: 'Xã', exact: true }).click();
    await expect.poll(() => wall.locator('svg path[data-code^="18"][role="button"]').count(), { timeout: 5000 }).toBe(216);
    await wall.waitForTimeout(1500);
    await wall.screenshot({ path: artifact('maps-province-communes-imported.png') });
  });
});
