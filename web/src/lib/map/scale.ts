/**
 * Colours of the choropleth: progress in classes, so that a command room tells 87% from 96% at
 * a glance. The classes are narrow at the top, where a campaign spends its last weeks; their
 * colours are steps of viridis (colour-blind safe, each lighter than the one below) without
 * its darkest tenth, which would sink into the dark panel.
 */
import { interpolateViridis } from 'd3';

export interface UnitProgress {
  /** value / target (may exceed 1), or null when the unit has no target. */
  progress: number | null;
  complete: boolean;
}

export interface ProgressClass {
  /** Lowest progress of the class (inclusive); the class runs to the next one's `from`. */
  from: number;
  color: string;
}

const BREAKS = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1];
/** Where on viridis each class sits: even steps from 0.12, the last class (done) at the top. */
export const PROGRESS_CLASSES: readonly ProgressClass[] = BREAKS.map((from, i) => ({
  from,
  color: interpolateViridis(0.12 + (0.88 * i) / (BREAKS.length - 1)),
}));

/** The fill for a progress (below 0 counts as 0), or null when there is no data. */
export function progressColor(progress: number | null | undefined): string | null {
  if (progress === null || progress === undefined || Number.isNaN(progress)) return null;
  return (PROGRESS_CLASSES.findLast((c) => progress >= c.from) ?? PROGRESS_CLASSES[0]).color;
}
