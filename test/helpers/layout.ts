/**
 * What a wall must hold at any size, read off the page in Chromium: nothing to scroll, no text
 * cut or spilling out of its card, and the floors of the type roles. A problem comes back as a
 * line naming the element, so a failing test says what broke.
 */
import type { Page } from 'playwright-core';

/** Floors of the type roles in px at 1080p; they scale with the screen (see theme.css). */
export interface TypeFloors {
  /** The big numbers of the counters. */
  headline?: { selector: string; px: number };
  /** Ranking rows, countdowns, percentages. */
  figure?: { selector: string; px: number };
  /** Every other piece of text. */
  label: number;
}

export const WALL_FLOORS: TypeFloors = {
  headline: { selector: '.figure-value', px: 64 },
  figure: {
    selector: '[data-testid=rank-row] :is(.rank, .name, .pct b, .pace b, .need), [data-testid=countdown] .clock b, [data-testid=counter-progress], .clock .time',
    px: 28,
  },
  label: 20,
};

/** Text the map draws and places itself (the labels of units), outside these rules. */
const EXEMPT = 'svg .labels, svg .labels *';

export async function layoutProblems(page: Page, floors: TypeFloors): Promise<string[]> {
  await page.evaluate(() => document.fonts.ready);
  return page.evaluate(
    ({ floors, exempt }) => {
      const problems: string[] = [];
      const vw = innerWidth;
      const vh = innerHeight;
      const doc = document.documentElement;
      if (doc.scrollWidth > vw) problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${vw}`);
      if (doc.scrollHeight > vh) problems.push(`page scrolls down: ${doc.scrollHeight} > ${vh}`);
      // 1080p type, scaled to the screen: the short side against 1080, the long one against 1920.
      const scale = Math.min(Math.min(vw, vh) / 1080, Math.max(vw, vh) / 1920);

      const describe = (el: Element) => {
        const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
        return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? ` .${el.className.trim().split(/\s+/).join('.')}` : ''}> "${text}"`;
      };
      const visible = (el: Element) => {
        const style = getComputedStyle(el);
        return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0;
      };
      const ownText = (el: Element) => Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');

      const leaves = Array.from(document.querySelectorAll('main *')).filter((el) => ownText(el) && !el.matches(exempt));
      for (const el of leaves) {
        let hidden = false;
        for (let a: Element | null = el; a && !hidden; a = a.parentElement) hidden = !visible(a);
        if (hidden) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;

        // Clipped by an ancestor that hides overflow: wholly out of sight is a choice (the
        // ticker's items that do not fit), partly out of sight is a cut.
        let clip = { left: 0, top: 0, right: vw, bottom: vh };
        for (let a = el.parentElement; a; a = a.parentElement) {
          const style = getComputedStyle(a);
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          const r = a.getBoundingClientRect();
          clip = { left: Math.max(clip.left, r.left), top: Math.max(clip.top, r.top), right: Math.min(clip.right, r.right), bottom: Math.min(clip.bottom, r.bottom) };
        }
        const outside = box.right <= clip.left || box.left >= clip.right || box.bottom <= clip.top || box.top >= clip.bottom;
        if (outside) continue;
        const slack = 1;
        if (box.left < clip.left - slack || box.right > clip.right + slack || box.top < clip.top - slack || box.bottom > clip.bottom + slack) {
          problems.push(`cut: ${describe(el)} at ${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.right)},${Math.round(box.bottom)}`);
        }
        const card = el.closest('.panel, .figure, [data-testid=status-banner]');
        if (card) {
          const c = card.getBoundingClientRect();
          if (box.left < c.left - slack || box.right > c.right + slack || box.top < c.top - slack || box.bottom > c.bottom + slack) {
            problems.push(`out of its card: ${describe(el)}`);
          }
        }
        if (el instanceof HTMLElement && el.scrollWidth > el.clientWidth + slack && getComputedStyle(el).overflowX !== 'visible') {
          problems.push(`text cut inside: ${describe(el)}`);
        }
        // Text running out of its cell into the next one (a name over a percentage).
        let cell: Element = el;
        while (cell.parentElement && /^(inline|contents)/.test(getComputedStyle(cell).display)) cell = cell.parentElement;
        const range = document.createRange();
        range.selectNodeContents(el);
        const text = range.getBoundingClientRect();
        const c = cell.getBoundingClientRect();
        if (text.width > 0 && (text.left < c.left - slack || text.right > c.right + slack)) {
          problems.push(`runs out of its cell: ${describe(el)} ${Math.round(text.width)}px in ${Math.round(c.width)}px`);
        }

        const size = parseFloat(getComputedStyle(el).fontSize);
        const role = floors.headline && el.matches(floors.headline.selector) ? floors.headline
          : floors.figure && el.matches(floors.figure.selector) ? floors.figure
          : { px: floors.label };
        if (size < role.px * scale - 0.05) problems.push(`too small: ${describe(el)} ${size.toFixed(1)}px < ${(role.px * scale).toFixed(1)}px`);
      }
      // A chart's own words (milestone names, axes, notes) never print over each other.
      const chartTexts = Array.from(document.querySelectorAll('main svg text')).filter((el) => !el.matches(exempt) && visible(el) && el.textContent!.trim() !== '');
      const boxes = chartTexts.map((el) => el.getBoundingClientRect());
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          const inset = 1;
          if (a.left + inset < b.right && b.left + inset < a.right && a.top + inset < b.bottom && b.top + inset < a.bottom) {
            problems.push(`overprints: ${describe(chartTexts[i]!)} and ${describe(chartTexts[j]!)}`);
          }
        }
      }
      return problems;
    },
    { floors, exempt: EXEMPT },
  );
}

/** Every role selector must find something, or its floor is checked on nothing. */
export function countRoles(page: Page, floors: TypeFloors): Promise<{ headline: number; figure: number }> {
  return page.evaluate(
    (f) => ({
      headline: f.headline ? document.querySelectorAll(f.headline.selector).length : 0,
      figure: f.figure ? document.querySelectorAll(f.figure.selector).length : 0,
    }),
    floors,
  );
}
