/**
 * Label placement without collisions. Labels are placed in the order given (most important
 * first): inside their unit at full size, on their anchor or nudged a little, but with their
 * centre still on the unit; else a little smaller. A unit too small for its label, or whose
 * label finds no room inside, gets a callout: the label beside it where there is room, with a
 * leader line to the unit, so that no label sits on a unit that is not its own and none is
 * lost for being small. Widths are estimated from the number of letters, so placement needs no
 * DOM and gives the same answer on the server and in the browser.
 */

export interface LabelCandidate {
  code: string;
  text: string;
  /** Anchor: a point of the unit, where the label's centre goes. */
  x: number;
  y: number;
  /** Full font size in px. */
  size: number;
  bold?: boolean;
  /** Whether a point lies on the unit: a label placed inside keeps its centre on it. */
  inside?: (x: number, y: number) => boolean;
  /** The label does not fit its unit: it goes beside it, with a leader line. */
  callout?: boolean;
}

export interface PlacedLabel {
  code: string;
  text: string;
  x: number;
  y: number;
  size: number;
  bold: boolean;
  /** From the unit's anchor to the label's edge, for a label placed beside its unit. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface LabelFrame {
  width: number;
  height: number;
  /** Labels shrink down to this share of their full size before they are called out... */
  minScale: number;
  /** ...but never below this size in px. */
  minSize: number;
  /** Room already taken (a caption). */
  obstacles?: readonly Box[];
}

/** Average advance of a letter of a sans-serif face, in em; Vietnamese marks add no width. */
const LETTER_EM = 0.6;
const BOLD_LETTER_EM = 0.68;
const LINE_EM = 1.2;
/** Room left around each label, in em, so that neighbours do not touch. */
const MARGIN_EM = 0.4;
/** Where a label may sit, in order of preference: [label widths right, lines down] from its anchor. */
const NUDGES: readonly (readonly [number, number])[] = [[0, 0], [0, -0.5], [0, 0.5], [0.25, 0], [-0.25, 0]];
/** Directions a callout may go, tried outwards from the map's middle first. */
const DIRECTIONS = 24;
/** A callout is at most this share of the map's smaller side away from its unit. */
const CALLOUT_REACH = 0.5;

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

/** Whether the segment from (x1, y1) to (x2, y2) passes through a box (Liang–Barsky). */
function crosses(x1: number, y1: number, x2: number, y2: number, box: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = x2 - x1;
  const dy = y2 - y1;
  for (const [p, q] of [[-dx, x1 - box.left], [dx, box.right - x1], [-dy, y1 - box.top], [dy, box.bottom - y1]]) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * A unit whose label finds no room inside is called out, and its anchor must then stay free of
 * the labels placed before it: placement runs again with it known as a callout, until no new
 * unit needs one (a few rounds at most).
 */
export function placeLabels(candidates: readonly LabelCandidate[], frame: LabelFrame): PlacedLabel[] {
  let list = candidates;
  for (let round = 0; ; round++) {
    const { placed, calledOut } = placeOnce(list, frame);
    const newly = new Set(calledOut.filter((c) => !c.callout).map((c) => c.code));
    if (newly.size === 0 || round === 3) return placed;
    list = list.map((c) => (newly.has(c.code) ? { ...c, callout: true } : c));
  }
}

function placeOnce(candidates: readonly LabelCandidate[], frame: LabelFrame): { placed: PlacedLabel[]; calledOut: LabelCandidate[] } {
  const placed: PlacedLabel[] = [];
  const boxes: Box[] = [...(frame.obstacles ?? [])];
  const free = (box: Box) => !boxes.some((b) => overlaps(b, box));
  // The dots of units called out stay visible: no label inside another unit covers them.
  const anchors = candidates.filter((c) => c.callout);
  const covers = (box: Box, own: LabelCandidate) =>
    anchors.some((a) => a !== own && a.x > box.left && a.x < box.right && a.y > box.top && a.y < box.bottom);

  const inside = (candidate: LabelCandidate): boolean => {
    const smallest = Math.min(candidate.size, Math.max(candidate.size * frame.minScale, frame.minSize));
    const bold = candidate.bold ?? false;
    const fits = (size: number, [right, down]: readonly [number, number]): boolean => {
      const x = candidate.x + right * textWidth(candidate.text, size, bold);
      const y = candidate.y + down * LINE_EM * size;
      if (candidate.inside && !candidate.inside(x, y)) return false;
      const box = labelBox(candidate.text, x, y, size, bold);
      // A label near the edge slides inwards rather than being cut off.
      const dx = Math.max(0, -box.left) - Math.max(0, box.right - frame.width);
      const dy = Math.max(0, -box.top) - Math.max(0, box.bottom - frame.height);
      const moved = { left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy };
      if (!free(moved) || covers(moved, candidate)) return false;
      boxes.push(moved);
      placed.push({ code: candidate.code, text: candidate.text, x: x + dx, y: y + dy, size, bold, leader: null });
      return true;
    };
    return [candidate.size, (candidate.size + smallest) / 2, smallest].some((size) => NUDGES.some((nudge) => fits(size, nudge)));
  };

  const callout = (candidate: LabelCandidate): void => {
    const size = Math.max(frame.minSize, candidate.size * frame.minScale);
    const bold = candidate.bold ?? false;
    const half = labelBox(candidate.text, 0, 0, size, bold);
    const outwards = Math.atan2(candidate.y - frame.height / 2, candidate.x - frame.width / 2);
    const angles = Array.from({ length: DIRECTIONS }, (_, k) => outwards + (Math.PI * 2 * Math.ceil(k / 2) * (k % 2 ? 1 : -1)) / DIRECTIONS);
    const reach = CALLOUT_REACH * Math.min(frame.width, frame.height);
    for (let distance = size * 0.8; distance <= reach; distance += size * 0.8) {
      for (const angle of angles) {
        const [cx, cy] = [Math.cos(angle), Math.sin(angle)];
        const x = candidate.x + cx * (distance + half.right * Math.abs(cx));
        const y = candidate.y + cy * (distance + half.bottom * Math.abs(cy));
        const box = labelBox(candidate.text, x, y, size, bold);
        if (box.left < 0 || box.top < 0 || box.right > frame.width || box.bottom > frame.height || !free(box) || covers(box, candidate)) continue;
        const x2 = Math.min(Math.max(candidate.x, box.left), box.right);
        const y2 = Math.min(Math.max(candidate.y, box.top), box.bottom);
        if (boxes.some((b) => crosses(candidate.x, candidate.y, x2, y2, b))) continue;
        const leader = { x1: candidate.x, y1: candidate.y, x2, y2 };
        boxes.push(box);
        placed.push({ code: candidate.code, text: candidate.text, x, y, size, bold, leader });
        return;
      }
    }
  };

  const calledOut: LabelCandidate[] = [];
  for (const candidate of candidates) if (candidate.callout || !inside(candidate)) calledOut.push(candidate);
  for (const candidate of calledOut) callout(candidate);
  return { placed, calledOut };
}
