/** What the browser tests and benchmarks read off the command center's pages. */
import { formatCount, type Snapshot, type UnitInfo } from '@tiendo/shared';
import type { BrowserContext, Page } from 'playwright-core';
import type { ServerProcess } from './server.js';

/** Opens a page of the command center with the display key, as a TV would. */
export async function open(context: BrowserContext, server: ServerProcess, path = '/', query = ''): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}${path}?key=${server.keys.display}${query ? `&${query}` : ''}`);
  return page;
}

/** Unit types as a header abbreviates them when the full name does not fit ("Huyện Can Lộc", "H. Can Lộc"). */
const SHORT_TYPES: Record<string, string> = {
  'Thành phố': 'TP.', 'Thị xã': 'TX.', Quận: 'Q.', Huyện: 'H.', 'Thị trấn': 'TT.', Phường: 'P.', Xã: 'X.',
};

/**
 * The headings a screen may show for a unit: its full name, or the short form where the full one
 * does not fit beside the countdowns, whose width changes with the days left.
 */
export function headingForms(unit: Pick<UnitInfo, 'fullName'>): string[] {
  const short = unit.fullName.replace(/^(Thành phố|Thị xã|Quận|Huyện|Thị trấn|Phường|Xã) /, (_, type: string) => `${SHORT_TYPES[type]} `);
  return [unit.fullName, short];
}

/** The big numbers, in the campaign's metric order. */
export function counterTexts(page: Page): Promise<string[]> {
  return page.locator('[data-testid=counter-value]').allTextContents();
}

/** The big numbers the snapshot says a unit should show, as the page formats them. */
export function expectedCounters(snapshot: Snapshot, unit = snapshot.scope): string[] {
  const values = snapshot.values.find((v) => v.code === unit)!;
  return snapshot.campaign.metrics.map((m) => formatCount(values.metrics[m.key].value, 'vi-VN'));
}

/** Waits until the counters read what the snapshot says (they count up over a short animation). */
export async function waitForCounters(page: Page, expected: string[], timeout = 5000): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const shown = Array.from(document.querySelectorAll('[data-testid=counter-value]'), (e) => e.textContent);
      return shown.length === want.length && shown.every((text, i) => text === want[i]);
    },
    expected,
    { timeout },
  );
}

export function mapFill(page: Page, code: string): Promise<string | null> {
  return page.locator(`[data-testid=map-units] path[data-code="${code}"]`).getAttribute('fill');
}

/** A ranking row's rank as printed and its place (0 = top) in the list. */
export async function rankOf(page: Page, code: string): Promise<{ rank: number; place: number }> {
  return page.locator(`[data-testid=rank-row][data-code="${code}"]`).evaluate((row: HTMLElement) => ({
    rank: Number(row.querySelector('.rank')?.textContent),
    place: Number(row.style.getPropertyValue('--i')),
  }));
}
