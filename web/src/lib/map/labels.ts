/**
 * Label placement without collisions: labels are placed in the order given (most important
 * first) at their full size, on their anchor or nudged a little up, down or sideways; else a
 * little smaller; else they are dropped. Widths are estimated from the number of letters, so placement
 * needs no DOM and gives the same answer on the server and in the browser.
 */

export interface LabelCandidate {
  code: string;
  text: string;
  /** Anchor: the centre of the label. */
  x: number;
  y: number;
  /** Full font size in px. */
  size: number;
  bold?: boolean;
}

export interface PlacedLabel {
  code: string;
  text: string;
  x: number;
  y: number;
  size: number;
  bold: boolean;
}

export interface LabelFrame {
  width: number;
  height: number;
  /** Labels shrink down to this share of their full size before they are dropped... */
  minScale: number;
  /** ...but never below this size in px. */
  minSize: number;
}

/** Average advance of a letter of a sans-serif face, in em; Vietnamese marks add no width. */
const LETTER_EM = 0.6;
const BOLD_LETTER_EM = 0.68;
const LINE_EM = 1.2;
/** Room left around each label, in em, so that neighbours do not touch. */
const MARGIN_EM = 0.4;
/** Where a label may sit, in order of preference: [label widths right, lines down] from its anchor. */
const NUDGES: readonly (readonly [number, number])[] = [[0, 0], [0, -0.5], [0, 0.5], [0.25, 0], [-0.25, 0]];

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The estimated width of a text in px. */
export function textWidth(text: string, size: number, bold = false): number {
  return [...text.normalize('NFC')].length * (bold ? BOLD_LETTER_EM : LETTER_EM) * size;
}

export function labelBox(text: string, x: number, y: number, size: number, bold = false): Box {
  const halfWidth = (textWidth(text, size, bold) + MARGIN_EM * size) / 2;
  const halfHeight = ((LINE_EM + MARGIN_EM) * size) / 2;
  return { left: x - halfWidth, top: y - halfHeight, right: x + halfWidth, bottom: y + halfHeight };
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

export function placeLabels(candidates: readonly LabelCandidate[], frame: LabelFrame): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const boxes: Box[] = [];
  for (const candidate of candidates) {
    const smallest = Math.min(candidate.size, Math.max(candidate.size * frame.minScale, frame.minSize));
    const bold = candidate.bold ?? false;
    const fits = (size: number, [right, down]: readonly [number, number]): boolean => {
      const x = candidate.x + right * textWidth(candidate.text, size, bold);
      const y = candidate.y + down * LINE_EM * size;
      const box = labelBox(candidate.text, x, y, size, bold);
      // A label near the edge slides inwards rather than being cut off.
      const dx = Math.max(0, -box.left) - Math.max(0, box.right - frame.width);
      const dy = Math.max(0, -box.top) - Math.max(0, box.bottom - frame.height);
      const moved = { left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy };
      if (boxes.some((b) => overlaps(b, moved))) return false;
      boxes.push(moved);
      placed.push({ code: candidate.code, text: candidate.text, x: x + dx, y: y + dy, size, bold });
      return true;
    };
    [candidate.size, (candidate.size + smallest) / 2, smallest].some((size) => NUDGES.some((nudge) => fits(size, nudge)));
  }
  return placed;
}
