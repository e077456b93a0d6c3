/**
 * The commune view in real Chromium: opened from a commune on the province map (not an empty
 * district page), with its figures, its pace chart, its history and what it needs per day for
 * each milestone, on a wall and on a phone.
 */
import { describe, expect, it } from 'vitest';
import { addDays, formatRate, localDate, milestonesOf, requiredRate, type HistoryResponse } from '@tiendo/shared';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { get } from '../helpers/api.js';
import { expectedCounters, headingForms, open, waitForCounters } from '../helpers/screens.js';
import { seededDemo, snapshot } from '../helpers/seed.js';

/** Thạch Kênh, in Thạch Hà. */
const COMMUNE = '18586';

describe.skipIf(!hasChromium)('commune view in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  const demo = seededDemo();

  it('opens from the province map, with its figures, pace chart, needs per milestone and history', async () => {
    const browser = await launch({ width: 1920, height: 1080 });
    try {
      const page = await open(browser, demo.server, '/');
      await waitForCounters(page, expectedCounters(demo.seeded));
      await page.getByRole('button', { name: 'Xã', exact: true }).click();
      const commune = demo.seeded.units.find((u) => u.code === COMMUNE)!;
      const path = page.locator(`[data-testid=map-units] path[data-code="${COMMUNE}"]`);
      await expect.poll(() => path.count(), { timeout: 10_000 }).toBe(1);
      await path.click();
      await page.waitForURL((url) => url.pathname === `/commune/${COMMUNE}`);
      await expect.poll(() => page.locator('h1').textContent()).toBeOneOf(headingForms(commune));
      await waitForCounters(page, expectedCounters(demo.seeded, COMMUNE));

      // What it needs per day for each milestone, as the shared math says, for every metric.
      const blocks = page.getByTestId('needs-metric');
      await expect.poll(() => blocks.count()).toBe(demo.seeded.campaign.metrics.length);
      const values = demo.seeded.values.find((v) => v.code === COMMUNE)!.metrics;
      const now = Date.now();
      const rate = (n: number) => formatRate(n >= 100 ? Math.round(n) : n);
      for (const [i, metric] of demo.seeded.campaign.metrics.entries()) {
        const m = values[metric.key];
        // The metric's own milestones: eID is judged against the telegram, CCCD against the commitments.
        const needs = milestonesOf(demo.seeded.campaign, metric.key).map((ms) => requiredRate(m.value, m.target, ms.date, now, demo.seeded.campaign.timeZone)!);
        const shown = (await blocks.nth(i).getByTestId('need').allTextContents()).map((t) => t.replace('/ngày', ''));
        expect(shown).toEqual(needs.map(rate));
        expect(await blocks.nth(i).textContent()).toContain('Dự kiến về đích');
      }
      expect(await blocks.first().locator('h3 span').first().textContent()).toBe('CCCD');

      // Its pace chart runs from the campaign's start to today.
      await expect.poll(async () => ((await page.getByTestId('actual').getAttribute('d')) ?? '').split('L').length).toBeGreaterThan(30);
      await page.waitForTimeout(800);
      await page.screenshot({ path: artifact('commune-1920x1080.png') });

      // History: the end of yesterday, then live again.
      const yesterday = addDays(localDate(Date.now(), demo.seeded.campaign.timeZone), -1);
      const { body } = await get<HistoryResponse>(demo.server.url, `/api/v1/campaigns/ha-tinh/history?scope=${COMMUNE}&date=${yesterday}`, demo.server.keys.display);
      const past = { ...demo.seeded, values: body.values };
      expect(expectedCounters(past, COMMUNE)).not.toEqual(expectedCounters(demo.seeded, COMMUNE));
      await page.getByRole('button', { name: 'Lịch sử' }).click();
      await waitForCounters(page, expectedCounters(past, COMMUNE));
      await page.getByRole('button', { name: 'Về trực tiếp' }).click();
      await waitForCounters(page, expectedCounters(await snapshot(demo.server, COMMUNE), COMMUNE));
    } finally {
      await browser.dispose();
    }
  });

  it('reads on a phone, opened directly, with nothing to scroll sideways', async () => {
    const browser = await launch({ width: 390, height: 844 });
    try {
      const page = await open(browser, demo.server, `/commune/${COMMUNE}`);
      await waitForCounters(page, expectedCounters(demo.seeded, COMMUNE));
      await expect.poll(() => page.getByTestId('needs-metric').count()).toBe(demo.seeded.campaign.metrics.length);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
      // The link above goes to its district.
      expect(await page.locator('a.back').getAttribute('href')).toBe('/district/445');
      await page.waitForTimeout(800);
      await page.screenshot({ path: artifact('commune-390x844.png'), fullPage: true });
    } finally {
      await browser.dispose();
    }
  });
});
