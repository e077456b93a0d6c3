/**
 * Colours of the choropleth, in classes, so that a command room tells units apart at a glance.
 *
 * Progress (the default): classes narrow at the top, where a campaign spends its last weeks;
 * their colours are steps of viridis (colour-blind safe, each lighter than the one below)
 * without its darkest tenth, which would sink into the dark panel.
 *
 * Against the plan: late in a campaign every unit may sit in the same band of progress (at
 * ~92% everything is one green), yet some are ahead of the straight line to the milestone and
 * some behind it. These classes compare progress with what the plan expects today, on a
 * diverging scheme (ColorBrewer RdYlBu, colour-blind safe): red far behind, blue ahead.
 */
import { interpolateViridis } from 'd3';

export interface UnitProgress {
  /** value / target (may exceed 1), or null when the unit has no target. */
  progress: number | null;
  complete: boolean;
}

export interface ProgressClass {
  /** Lowest value of the class (inclusive); the class runs to the next one's `from`. */
  from: number;
  color: string;
}

/** How the map colours units, and what its legend says. */
export interface ColourScale {
  kind: 'progress' | 'plan';
  /** The classes below completion, lowest first; completed units take `done`. */
  classes: readonly ProgressClass[];
  done: string;
  /** The plan's expected progress today (`plan` only). */
  expected: number | null;
  color(value: UnitProgress | undefined): string | null;
}

const BREAKS = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1];
/** Where on viridis each class sits: even steps from 0.12, the last class (done) at the top. */
export const PROGRESS_CLASSES: readonly ProgressClass[] = BREAKS.map((from, i) => ({
  from,
  color: interpolateViridis(0.12 + (0.88 * i) / (BREAKS.length - 1)),
}));

const known = (n: number | null | undefined): n is number => n !== null && n !== undefined && !Number.isNaN(n);

/** The fill for a progress (below 0 counts as 0), or null when there is no data. */
export function progressColor(progress: number | null | undefined): string | null {
  if (!known(progress)) return null;
  return (PROGRESS_CLASSES.findLast((c) => progress >= c.from) ?? PROGRESS_CLASSES[0]).color;
}

export const PROGRESS_SCALE: ColourScale = {
  kind: 'progress',
  classes: PROGRESS_CLASSES.slice(0, -1),
  done: PROGRESS_CLASSES.at(-1)!.color,
  expected: null,
  color: (value) => progressColor(value?.progress),
};

/**
 * Progress as a share of the plan's expected progress: below 85% far behind, below 97%
 * behind, up to 102% on plan, beyond it ahead. A band of ±3 points around 92% of the way
 * separates 89% from 95%, where the fixed classes do not.
 */
export const PLAN_CLASSES: readonly ProgressClass[] = [
  { from: 0, color: '#d7191c' },
  { from: 0.85, color: '#fdae61' },
  { from: 0.97, color: '#ffffbf' },
  { from: 1.02, color: '#abd9e9' },
];
const PLAN_DONE = '#2c7bb6';

/** Classes against the plan for a day on which it expects `expected` (0–1) of the target. */
export function planScale(expected: number): ColourScale {
  return {
    kind: 'plan',
    classes: PLAN_CLASSES,
    done: PLAN_DONE,
    expected,
    color(value) {
      if (!value || !known(value.progress)) return null;
      if (value.complete) return PLAN_DONE;
      // Before the plan expects anything, nobody is behind it.
      const ratio = expected > 0 ? value.progress / expected : 1;
      return (PLAN_CLASSES.findLast((c) => ratio >= c.from) ?? PLAN_CLASSES[0]).color;
    },
  };
}
