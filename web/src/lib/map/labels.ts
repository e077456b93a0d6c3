/**
 * Label placement without collisions: labels are placed in order of priority at their full
 * size, else a little smaller, else dropped. Widths are estimated from the number of letters,
 * so placement needs no DOM and gives the same answer on the server and in the browser.
 */

export interface LabelCandidate {
  code: string;
  text: string;
  /** Anchor: the centre of the label. */
  x: number;
  y: number;
  /** Larger goes first. */
  priority: number;
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
  /** Labels shrink down to this share of their full size before they are dropped. */
  minScale: number;
}

/** Average advance of a letter of a sans-serif face, in em; Vietnamese marks add no width. */
const LETTER_EM = 0.58;
const BOLD_LETTER_EM = 0.62;
const LINE_EM = 1.2;
/** Room left around each label, in em, so that neighbours do not touch. */
const MARGIN_EM = 0.2;

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function labelBox(text: string, x: number, y: number, size: number, bold = false): Box {
  const letters = [...text.normalize('NFC')].length;
  const halfWidth = ((letters * (bold ? BOLD_LETTER_EM : LETTER_EM) + MARGIN_EM) * size) / 2;
  const halfHeight = ((LINE_EM + MARGIN_EM) * size) / 2;
  return { left: x - halfWidth, top: y - halfHeight, right: x + halfWidth, bottom: y + halfHeight };
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

export function placeLabels(candidates: readonly LabelCandidate[], frame: LabelFrame): PlacedLabel[] {
  const ordered = [...candidates].sort((a, b) => b.priority - a.priority || (a.code < b.code ? -1 : 1));
  const placed: PlacedLabel[] = [];
  const boxes: Box[] = [];
  const scales = [1, (1 + frame.minScale) / 2, frame.minScale];
  for (const candidate of ordered) {
    for (const scale of scales) {
      const size = candidate.size * scale;
      const bold = candidate.bold ?? false;
      const box = labelBox(candidate.text, candidate.x, candidate.y, size, bold);
      // A label near the edge slides inwards rather than being cut off.
      const dx = Math.max(0, -box.left) - Math.max(0, box.right - frame.width);
      const dy = Math.max(0, -box.top) - Math.max(0, box.bottom - frame.height);
      const moved = { left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy };
      if (boxes.some((b) => overlaps(b, moved))) continue;
      boxes.push(moved);
      placed.push({ code: candidate.code, text: candidate.text, x: candidate.x + dx, y: candidate.y + dy, size, bold });
      break;
    }
  }
  return placed;
}
