/**
 * The demo's deterministic numbers: targets spread exactly over units, and each commune's
 * daily work from a metric's start to its finish, summing exactly to the final figures.
 */
import { addDays, daysBetween } from '@tiendo/shared';

/** A repeatable number in [0, 1) for a string. */
export function unitRandom(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 15), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Splits `total` into integers proportional to `weights` that sum exactly to it (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new Error('apportion: weights must have a positive sum');
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

export interface CommuneSchedule {
  unit: string;
  /** Gain per local date, every date from the metric's start to the commune's finish. */
  days: { date: string; gain: number }[];
}

/**
 * Daily gains of one commune: slow start, steady middle, a push at the end, quieter Sundays.
 * Cumulative rounding makes the gains sum exactly to `final`.
 */
export function communeDays(unit: string, metric: string, final: number, start: string, finish: string): CommuneSchedule {
  const n = daysBetween(start, finish) + 1;
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = (i + 0.5) / n;
    const shape = Math.min(1, t * 4) * (1 + 0.6 * t * t) + 0.05;
    const sunday = new Date(`${addDays(start, i)}T00:00:00Z`).getUTCDay() === 0 ? 0.45 : 1;
    const noise = 0.75 + 0.5 * unitRandom(`${unit}:${metric}:${i}`);
    weights.push(shape * sunday * noise);
  }
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const days: { date: string; gain: number }[] = [];
  let cumulative = 0;
  let reached = 0;
  for (let i = 0; i < n; i++) {
    cumulative += weights[i];
    const value = i === n - 1 ? final : Math.round((final * cumulative) / totalWeight);
    days.push({ date: addDays(start, i), gain: value - reached });
    reached = value;
  }
  return { unit, days };
}
