/**
 * The screens at the sizes a command room has: every 16:9 size from a TV browser's 1280×720 to
 * 4K, and a portrait screen. On each, nothing scrolls, no card overflows, every ranking row is
 * whole and no text is cut, and no text is below the floor of its role (headline figures,
 * secondary figures, labels). Screenshots of each go to test/artifacts/.
 */
import { describe, expect, it } from 'vitest';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { countRoles, layoutProblems, WALL_FLOORS } from '../helpers/layout.js';
import { expectedCounters, open, waitForCounters } from '../helpers/screens.js';
import { seededDemo } from '../helpers/seed.js';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
  { width: 1080, height: 1920 },
];
/** Hương Sơn, the district with the most communes (25), and one of its communes. */
const DISTRICT = '439';

describe.skipIf(!hasChromium)('screens at every wall size in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  const demo = seededDemo();

  for (const size of SIZES) {
    it(`fits ${size.width}×${size.height}: the wall, a district and a commune`, async () => {
      const commune = demo.seeded.units.find((u) => u.parent === DISTRICT)!.code;
      const browser = await launch(size);
      try {
        const page = await open(browser, demo.server, '/');
        await waitForCounters(page, expectedCounters(demo.seeded));
        await expect.poll(() => page.locator('[data-testid=rank-row]').count()).toBe(13);
        await expect.poll(() => page.locator('[data-testid=map-units] path').count(), { timeout: 10_000 }).toBe(13);
        await page.waitForTimeout(1200); // rows and bars glide into place
        expect(await countRoles(page, WALL_FLOORS)).toEqual({ headline: 4, figure: expect.any(Number) });
        expect((await countRoles(page, WALL_FLOORS)).figure).toBeGreaterThan(13 * 4);
        // Each of the 13 rows whole inside the ranking.
        const rows = await page.locator('[data-testid=rank-row]').evaluateAll((els) => {
          const list = els[0].closest('ol')!.getBoundingClientRect();
          return els.map((el) => {
            const r = el.getBoundingClientRect();
            return r.top >= list.top - 1 && r.bottom <= list.bottom + 1 && r.height > 0;
          });
        });
        expect(rows).toEqual(Array(13).fill(true));
        expect(await layoutProblems(page, WALL_FLOORS)).toEqual([]);
        await page.screenshot({ path: artifact(`layout-wall-${size.width}x${size.height}.png`) });

        await page.goto(`${demo.server.url}/district/${DISTRICT}`);
        await waitForCounters(page, expectedCounters(demo.seeded, DISTRICT));
        await expect.poll(() => page.locator('[data-testid=rank-row]').count()).toBe(25);
        await page.waitForTimeout(1200);
        expect(await layoutProblems(page, { label: WALL_FLOORS.label })).toEqual([]);
        await page.screenshot({ path: artifact(`layout-district-${size.width}x${size.height}.png`) });

        await page.goto(`${demo.server.url}/commune/${commune}`);
        await waitForCounters(page, expectedCounters(demo.seeded, commune));
        await expect.poll(() => page.getByTestId('needs-metric').count()).toBe(3);
        await page.waitForTimeout(800);
        expect(await layoutProblems(page, { label: WALL_FLOORS.label })).toEqual([]);
        await page.screenshot({ path: artifact(`layout-commune-${size.width}x${size.height}.png`) });
      } finally {
        await browser.dispose();
      }
    });
  }
});
