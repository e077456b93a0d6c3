/**
 * Derived figures of a campaign (DESIGN.md §2). Pure functions: every one that depends on
 * time takes `now` (epoch ms) and the campaign's time zone.
 */
import { addDays, DAY_MS, daysBetween, endOfLocalDay, localDate } from './time.js';

/** value / target, or null when there is no target. May exceed 1. */
export function progress(value: number, target: number): number | null {
  return target > 0 ? value / target : null;
}

export function remaining(value: number, target: number): number {
  return Math.max(0, target - value);
}

export function isComplete(value: number, target: number): boolean {
  return target > 0 && value >= target;
}

/** activation / intake, or null before any intake. */
export function conversion(activation: number, intake: number): number | null {
  return intake > 0 ? activation / intake : null;
}

export const PACE_DAYS = 7;

/**
 * Mean daily increment over the last 7 full local days (today excluded, being partial).
 * `sumOfFullDays` is the total gained over those days; a campaign younger than a week
 * divides by the full days it has had.
 */
export function pace(sumOfFullDays: number, startDate: string, now: number, timeZone: string): number {
  const fullDays = Math.min(PACE_DAYS, daysBetween(startDate, localDate(now, timeZone)));
  return fullDays > 0 ? sumOfFullDays / fullDays : 0;
}

/** Days (fractional) from now to the end of the milestone's date; negative once past. */
export function daysLeft(milestoneDate: string, now: number, timeZone: string): number {
  return (endOfLocalDay(milestoneDate, timeZone) - now) / DAY_MS;
}

/** What must be gained per day from now on to meet the milestone; null when it is past. */
export function requiredRate(value: number, target: number, milestoneDate: string, now: number, timeZone: string): number | null {
  const left = daysLeft(milestoneDate, now, timeZone);
  if (left <= 0) return remaining(value, target) > 0 ? null : 0;
  return remaining(value, target) / left;
}

/**
 * The local date the unit reaches its target: the actual date when done, otherwise today
 * plus the remaining work at the current pace; null when there is no target or no pace.
 */
export function finishDate(
  unit: { value: number; target: number; completedAt?: number | null; pace: number },
  now: number,
  timeZone: string,
): string | null {
  if (!(unit.target > 0)) return null;
  if (unit.value >= unit.target) return localDate(unit.completedAt ?? now, timeZone);
  if (!(unit.pace > 0)) return null;
  const today = localDate(now, timeZone);
  return addDays(today, Math.ceil(remaining(unit.value, unit.target) / unit.pace));
}

/** Days ahead (positive) or behind (negative) of a milestone: "vượt tiến độ 10 ngày". */
export function daysAhead(milestoneDate: string, finish: string | null): number | null {
  return finish === null ? null : daysBetween(finish, milestoneDate);
}

export interface Rankable {
  code: string;
  value: number;
  target: number;
  completedAt?: number | null;
}

/** Progress desc, then earlier completion, then code. Units without a target go last. */
export function compareRank(a: Rankable, b: Rankable): number {
  const pa = progress(a.value, a.target) ?? -1;
  const pb = progress(b.value, b.target) ?? -1;
  if (pa !== pb) return pb - pa;
  const ca = a.completedAt ?? Infinity;
  const cb = b.completedAt ?? Infinity;
  if (ca !== cb) return ca < cb ? -1 : 1;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Rank (1-based) by code. */
export function rank(units: readonly Rankable[]): Map<string, number> {
  return new Map([...units].sort(compareRank).map((u, i) => [u.code, i + 1]));
}

/** Finish order among siblings: "về đích thứ 2". Units not done have none. */
export function finishOrder(units: readonly Rankable[]): Map<string, number> {
  const done = units.filter((u) => isComplete(u.value, u.target) && u.completedAt != null);
  done.sort((a, b) => a.completedAt! - b.completedAt! || (a.code < b.code ? -1 : 1));
  return new Map(done.map((u, i) => [u.code, i + 1]));
}

/** Rank movement since the start of the day: positive means the unit climbed. */
export function rankMovement(rankNow: number, rankAtDayStart: number): number {
  return rankAtDayStart - rankNow;
}

export interface MilestoneFigures {
  name: string;
  date: string;
  daysLeft: number;
  /** Per day from now on; null once the milestone has passed unmet. */
  requiredRate: number | null;
  /** Positive: ahead ("vượt tiến độ"); negative: behind; null without a finish date. */
  daysAhead: number | null;
}

export interface DerivedFigures {
  progress: number | null;
  remaining: number;
  pace: number;
  finishDate: string | null;
  milestones: MilestoneFigures[];
}

/** Everything the screens show about one unit's metric, computed from its raw values. */
export function derive(
  metric: { value: number; target: number; last7: number; completedAt: number | null },
  campaign: { startDate: string; timeZone: string; milestones: readonly { name: string; date: string }[] },
  now: number,
): DerivedFigures {
  const tz = campaign.timeZone;
  const unitPace = pace(metric.last7, campaign.startDate, now, tz);
  const finish = finishDate({ ...metric, pace: unitPace }, now, tz);
  return {
    progress: progress(metric.value, metric.target),
    remaining: remaining(metric.value, metric.target),
    pace: unitPace,
    finishDate: finish,
    milestones: campaign.milestones.map((m) => ({
      name: m.name,
      date: m.date,
      daysLeft: daysLeft(m.date, now, tz),
      requiredRate: requiredRate(metric.value, metric.target, m.date, now, tz),
      daysAhead: daysAhead(m.date, finish),
    })),
  };
}
