/**
 * The district view in real Chromium: on a phone it lists every commune of the district with
 * nothing to scroll sideways; on a wall it fits the screen; milestone names are never cut; a
 * past day picked in history replaces the live values, pace chart included, until back to live.
 */
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, localDate, milestonesOf, type HistoryResponse } from '@tiendo/shared';
import type { Page } from 'playwright-core';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { get } from '../helpers/api.js';
import { expectedCounters, open, waitForCounters } from '../helpers/screens.js';
import { seededDemo, snapshot } from '../helpers/seed.js';

/** Can Lộc, a district of eighteen communes. */
const DISTRICT = '443';

describe.skipIf(!hasChromium)('district view in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  const demo = seededDemo();

  const communes = () => demo.seeded.units.filter((u) => u.parent === DISTRICT).map((u) => u.code).sort();

  async function rowCodes(page: Page): Promise<string[]> {
    const codes = await page.locator('[data-testid=rank-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')!));
    return codes.sort();
  }

  /** Every place the ranking names a milestone ("Cam kết của Giám đốc"), and whether it shows whole. */
  function milestoneNames(page: Page): Promise<{ text: string; whole: boolean }[]> {
    return page.evaluate((names) => {
      const ranking = document.querySelector('[data-testid=rank-row]')!.closest('ol')!.parentElement!;
      return [...ranking.querySelectorAll<HTMLElement>('*')]
        .filter((el) => el.offsetParent !== null && names.some((n) => el.textContent?.includes(n))
          && ![...el.children].some((child) => names.some((n) => child.textContent?.includes(n))))
        .map((el) => ({ text: el.textContent!, whole: el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight + 1 }));
    }, demo.seeded.campaign.milestones.map((m) => m.name));
  }

  it('lists the communes on a phone, with no horizontal scroll', async () => {
    const browser = await launch({ width: 390, height: 844 });
    try {
      const page = await open(browser, demo.server, `/district/${DISTRICT}`);
      await waitForCounters(page, expectedCounters(demo.seeded, DISTRICT));
      await expect.poll(() => rowCodes(page)).toEqual(communes());
      expect(communes().length).toBeGreaterThan(10);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      const names = await milestoneNames(page);
      expect(names.length).toBeGreaterThan(communes().length); // a label per milestone on each unfinished commune's card
      expect(names.filter((n) => !n.whole)).toEqual([]);
      // Every commune's card is on the page, one under the other, none hidden.
      const boxes = await page.locator('[data-testid=rank-row]').evaluateAll((rows) =>
        rows.map((r) => r.getBoundingClientRect()).map((b) => ({ left: b.left, right: b.right, height: b.height })));
      for (const box of boxes) {
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.right).toBeLessThanOrEqual(390);
        expect(box.height).toBeGreaterThan(20);
      }
      await page.waitForTimeout(800);
      await page.screenshot({ path: artifact('district-390x844.png'), fullPage: true });
    } finally {
      await browser.dispose();
    }
  });

  it('fits a 1080p wall', async () => {
    const browser = await launch({ width: 1920, height: 1080 });
    try {
      const page = await open(browser, demo.server, `/district/${DISTRICT}`);
      await waitForCounters(page, expectedCounters(demo.seeded, DISTRICT));
      await expect.poll(() => rowCodes(page)).toEqual(communes());
      expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight
        && document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      const names = await milestoneNames(page);
      // The column headings: the milestones of the metric shown (CCCD), in date order.
      expect(names.map((n) => n.text)).toEqual(milestonesOf(demo.seeded.campaign, 'cccd_intake').map((m) => m.name));
      expect(names.filter((n) => !n.whole)).toEqual([]);
      await page.waitForTimeout(800);
      await page.screenshot({ path: artifact('district-1920x1080.png') });
    } finally {
      await browser.dispose();
    }
  });

  it('shows the end of a past day from history, and goes back to live', async () => {
    const browser = await launch({ width: 1920, height: 1080 });
    try {
      const page = await open(browser, demo.server, `/district/${DISTRICT}`);
      await waitForCounters(page, expectedCounters(demo.seeded, DISTRICT));
      // The district's pace chart: a point for each day of the campaign so far.
      const chartPoints = async () => ((await page.getByTestId('actual').getAttribute('d')) ?? '').split('L').length;
      await expect.poll(chartPoints).toBeGreaterThan(30);
      const livePoints = await chartPoints();
      const today = localDate(Date.now(), demo.seeded.campaign.timeZone);
      const historyAt = async (date: string) => {
        const { body } = await get<HistoryResponse>(demo.server.url, `/api/v1/campaigns/ha-tinh/history?scope=${DISTRICT}&date=${date}`, demo.server.keys.display);
        return { ...demo.seeded, scope: DISTRICT, values: body.values };
      };

      await page.getByRole('button', { name: 'Lịch sử' }).click();
      await waitForCounters(page, expectedCounters(await historyAt(addDays(today, -1)), DISTRICT));
      const tenDaysAgo = addDays(today, -10);
      await page.getByRole('slider', { name: 'Lịch sử' }).fill(String(daysBetween(demo.seeded.campaign.startDate, tenDaysAgo)));
      const past = await historyAt(tenDaysAgo);
      await waitForCounters(page, expectedCounters(past, DISTRICT));
      expect(expectedCounters(past, DISTRICT)).not.toEqual(expectedCounters(demo.seeded, DISTRICT));
      expect(await chartPoints()).toBe(livePoints - 10); // the chart ends at the end of that day too
      await page.screenshot({ path: artifact('district-history-1920x1080.png') });

      await page.getByRole('button', { name: 'Về trực tiếp' }).click();
      await waitForCounters(page, expectedCounters(await snapshot(demo.server, DISTRICT), DISTRICT));
    } finally {
      await browser.dispose();
    }
  });
});
