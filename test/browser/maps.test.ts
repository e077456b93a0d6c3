/**
 * Boundary files imported through the admin page in real Chromium, while a wall display and a
 * district view stay open: both switch to the new map without a reload. A clean file of every
 * commune, then a GADM-like file of districts (old names, Ð for Đ, the province's name in every
 * row, rows numbered, two districts missing) whose ambiguity a person resolves on the page: the
 * wall then shows the real shapes, and the two missing districts as tiles apart, labelled as
 * such; every label is at least 16 px at 1080p, small districts' beside them with a leader.
 * Screenshots go to test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gadmDistricts, haTinhBoundaries, jsonBytes } from '../helpers/boundaries.js';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { open } from '../helpers/screens.js';
import { seedProgress } from '../helpers/seed.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const boundaries = haTinhBoundaries();
const communesOf445 = boundaries.units.filter((u) => u.parent === '445').length;
const unitPath = (page: Page, code: string) => page.locator(`svg path[data-code="${code}"]`).first();

/** The map's labels as drawn: text, font size and whether a leader line leads to the unit. */
function mapLabels(page: Page): Promise<{ code: string; text: string; size: number; leader: boolean }[]> {
  return page.locator('[data-testid=map-units]').first().evaluate((units) =>
    Array.from(units.closest('svg')!.querySelectorAll<SVGTextElement>('.labels text'), (t) => ({
      code: t.dataset.code!,
      text: t.textContent!,
      size: t.getBoundingClientRect().height / 1.2,
      leader: t.closest('svg')!.querySelector(`.leader[data-code="${t.dataset.code}"]`) !== null,
    })),
  );
}

/** Screen boxes of the map's unit shapes, with whether each is a tile of the strip. */
function shapeBoxes(page: Page): Promise<{ code: string; top: number; bottom: number; left: number; right: number }[]> {
  return page.locator('[data-testid=map-units]').first().evaluate((units) =>
    Array.from(units.querySelectorAll<SVGPathElement>('path[data-code]'), (p) => {
      const box = p.getBoundingClientRect();
      return { code: p.dataset.code!, top: box.top, bottom: box.bottom, left: box.left, right: box.right };
    }),
  );
}

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

    // Every district is labelled, the smallest beside their units; no label under 16 px at 1080p.
    const wallLabels = await mapLabels(wall);
    expect(wallLabels.map((l) => l.code).sort()).toEqual(boundaries.units.filter((u) => u.level === 'district').map((u) => u.code).sort());
    expect(Math.min(...wallLabels.map((l) => l.size))).toBeGreaterThanOrEqual(15.5);
    const communeLabels = await mapLabels(district);
    expect(communeLabels.length).toBeGreaterThan(communesOf445 / 2);
    expect(Math.min(...communeLabels.map((l) => l.size))).toBeGreaterThanOrEqual(15.5);

    await wall.getByRole('button', { name: 'Xã', exact: true }).click();
    await expect.poll(() => wall.locator('svg path[data-code^="18"][role="button"]').count(), { timeout: 5000 }).toBe(216);
    await wall.waitForTimeout(1500);
    await wall.screenshot({ path: artifact('maps-province-communes-imported.png') });
  });

  it('resolves a GADM-like file by hand on the admin page; the wall shows its real shapes and the missing districts apart', async () => {
    const gadm = gadmDistricts(boundaries);
    const txKyAnh = gadm.truth.indexOf('449');
    const wall = await open(context, server, '/');
    await wall.getByRole('button', { name: 'Huyện', exact: true }).click();
    await expect.poll(() => wall.locator('svg path[data-code^="4"][role="button"]').count(), { timeout: 15_000 }).toBe(13);

    const admin = await context.newPage();
    await admin.goto(`${server.url}/admin/maps`);
    await admin.setInputFiles('[data-testid=map-file]', {
      name: 'gadm36_VNM_2_HaTinh.json', mimeType: 'application/json', buffer: Buffer.from(jsonBytes(gadm.file)),
    });
    const report = admin.locator('[data-testid=match-report]');
    await report.waitFor({ timeout: 15_000 });
    // Proposed as districts by name; neither the province column nor the row numbers are taken for units.
    await expect.poll(() => admin.locator('[data-testid=map-level] option').first().textContent()).toContain('Huyện');
    expect(await report.locator('.hint').first().textContent()).toContain('NAME_2');
    await expect.poll(() => report.locator('[data-testid=tile-matched] b').textContent()).toBe('10');
    const missingBefore = await report.locator('[data-testid=missing-units] tr[data-code]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.code));
    expect(missingBefore).toEqual(['441', '448', '449']);

    await admin.selectOption(`[data-testid=decide-${txKyAnh}]`, '449');
    await expect.poll(() => report.locator('[data-testid=tile-matched] b').textContent()).toBe('11');
    const missing = await report.locator('[data-testid=missing-units] tr[data-code]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.code));
    expect(missing).toEqual(['441', '448']);
    await admin.waitForTimeout(800);
    await admin.screenshot({ path: artifact('maps-admin-gadm-resolved.png'), fullPage: true });

    const before = await unitPath(wall, '443').getAttribute('d');
    await admin.click('[data-testid=map-confirm]');
    await admin.locator('[data-testid=map-confirmed]').waitFor();
    await expect.poll(() => unitPath(wall, '443').getAttribute('d'), { timeout: 5000 }).not.toBe(before);
    await expect.poll(() => wall.locator('[data-testid=map-strip]').count(), { timeout: 5000 }).toBe(1);
    await wall.waitForTimeout(1500);
    await wall.screenshot({ path: artifact('maps-province-gadm-partial.png') });

    // The two districts without a boundary are tiles under the real shapes, overlapping none.
    const boxes = await shapeBoxes(wall);
    const tiles = boxes.filter((b) => b.code === '441' || b.code === '448');
    const real = boxes.filter((b) => b.code !== '441' && b.code !== '448');
    expect(tiles).toHaveLength(2);
    expect(real).toHaveLength(11);
    expect(Math.min(...tiles.map((t) => t.top))).toBeGreaterThan(Math.max(...real.map((r) => r.bottom)));
    expect(await wall.locator('[data-testid=map-strip] text').textContent()).toBe('Chưa có ranh giới');
    const labels = await mapLabels(wall);
    expect(labels.map((l) => l.code).sort()).toEqual(boundaries.units.filter((u) => u.level === 'district').map((u) => u.code).sort());
    expect(labels.find((l) => l.code === '449')!.text).toBe('TX. Kỳ Anh');
    expect(Math.min(...labels.map((l) => l.size))).toBeGreaterThanOrEqual(15.5);
    expect(labels.find((l) => l.code === '436')!.leader).toBe(true);
  });
});
