/** Colours of the choropleth: a colour-blind-safe sequential scale for progress, on a dark panel. */
import { interpolateViridis } from 'd3';

export interface UnitProgress {
  /** value / target (may exceed 1), or null when the unit has no target. */
  progress: number | null;
  complete: boolean;
}

/** Viridis without its darkest tenth, which would sink into the dark panel. */
const DARKEST = 0.1;

/** The fill for a progress from 0 to 1 (beyond is clamped), or null when there is no data. */
export function progressColor(progress: number | null | undefined): string | null {
  if (progress === null || progress === undefined || Number.isNaN(progress)) return null;
  const t = Math.min(1, Math.max(0, progress));
  return interpolateViridis(DARKEST + (1 - DARKEST) * t);
}

/** Evenly spaced stops of the scale, for the legend's gradient. */
export function scaleStops(count: number): string[] {
  return Array.from({ length: count }, (_, i) => progressColor(i / (count - 1))!);
}
