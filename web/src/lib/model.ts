/**
 * What the screens show about a set of sibling units, computed from the live (or historical)
 * values with the shared domain math: progress, pace, what is required per milestone, rank,
 * movement since the start of the day and finish order.
 */
import {
  daysAhead,
  daysLeft,
  endOfLocalDay,
  finishDate,
  finishOrder,
  isComplete,
  localDate,
  metricView,
  pace,
  progress,
  rank,
  rankMovement,
  requiredRate,
  startOfLocalDay,
  type CampaignInfo,
  type MetricValue,
  type MilestoneInfo,
  type UnitInfo,
  type UnitValues,
} from '@tiendo/shared';

export interface UnitTree {
  byCode: Map<string, UnitInfo>;
  children: Map<string, UnitInfo[]>;
}

export function buildTree(units: readonly UnitInfo[]): UnitTree {
  const byCode = new Map<string, UnitInfo>();
  const children = new Map<string, UnitInfo[]>();
  for (const unit of units) {
    byCode.set(unit.code, unit);
    if (unit.parent === null) continue;
    const siblings = children.get(unit.parent);
    if (siblings) siblings.push(unit);
    else children.set(unit.parent, [unit]);
  }
  return { byCode, children };
}

/** Every descendant of `code` at a level ('commune' under a province gives all its communes). */
export function descendants(tree: UnitTree, code: string, level: UnitInfo['level']): UnitInfo[] {
  const out: UnitInfo[] = [];
  const visit = (parent: string) => {
    for (const child of tree.children.get(parent) ?? []) {
      if (child.level === level) out.push(child);
      else visit(child.code);
    }
  };
  visit(code);
  return out;
}

/** ahead: the 7-day pace meets the required rate; behind: it does not; overdue: every milestone has passed. */
export type Status = 'done' | 'ahead' | 'behind' | 'overdue' | 'none';

export interface UnitRow {
  unit: UnitInfo;
  value: number;
  target: number;
  today: number;
  completedAt: number | null;
  progress: number | null;
  complete: boolean;
  /** Mean daily gain over the last 7 full days. */
  pace: number;
  /** The earliest milestone still ahead, which the required rate and status refer to. */
  milestone: MilestoneInfo | null;
  required: number | null;
  /** Required per day for each of the metric's milestones, in date order (null once it has passed). */
  needs: (number | null)[];
  finish: string | null;
  /** Days ahead (+) or behind (-) of `milestone` (of the last one when all have passed). */
  ahead: number | null;
  rank: number;
  movement: number;
  finishOrder: number | null;
  status: Status;
}

const EMPTY: MetricValue = { value: 0, target: 0, today: 0, last7: 0, completedAt: null };

export function metricOf(values: ReadonlyMap<string, UnitValues>, code: string, metric: string): MetricValue {
  return values.get(code)?.metrics[metric] ?? EMPTY;
}

/** The milestone of a metric a unit is working towards now: the earliest of its own not yet passed. */
export function nextMilestone(campaign: CampaignInfo, metric: string, now: number): MilestoneInfo | null {
  return metricView(campaign, metric).milestones.find((m) => daysLeft(m.date, now, campaign.timeZone) > 0) ?? null;
}

/**
 * The share of a metric's target the plan expects by `now`: the straight line from the metric's
 * first day to the end of its next milestone's day, as the pace chart draws it; 1 once its every
 * milestone has passed, null when it has none.
 */
export function expectedProgress(campaign: CampaignInfo, metric: string, now: number): number | null {
  const view = metricView(campaign, metric);
  if (!view.milestones.length) return null;
  const next = nextMilestone(campaign, metric, now);
  if (!next) return 1;
  const start = startOfLocalDay(view.startDate, campaign.timeZone);
  const end = endOfLocalDay(next.date, campaign.timeZone);
  return Math.min(1, Math.max(0, (now - start) / (end - start)));
}

/** Rows for sibling units, in rank order. */
export function rankRows(
  units: readonly UnitInfo[],
  values: ReadonlyMap<string, UnitValues>,
  metric: string,
  campaign: CampaignInfo,
  now: number,
): UnitRow[] {
  const tz = campaign.timeZone;
  const startOfToday = startOfLocalDay(localDate(now, tz), tz);
  const { milestones, startDate } = metricView(campaign, metric);
  const upcoming = nextMilestone(campaign, metric, now);
  const reference = upcoming ?? milestones.at(-1) ?? null;

  const current = units.map((u) => ({ code: u.code, ...metricOf(values, u.code, metric) }));
  // The standings as the day began: today's gain taken off, later completions undone.
  const atDayStart = current.map((m) => ({
    code: m.code,
    value: m.value - m.today,
    target: m.target,
    completedAt: m.completedAt !== null && m.completedAt < startOfToday ? m.completedAt : null,
  }));
  const ranks = rank(current);
  const startRanks = rank(atDayStart);
  const order = finishOrder(current);

  const rows = units.map((unit, i): UnitRow => {
    const m = current[i];
    const complete = isComplete(m.value, m.target);
    const unitPace = pace(m.last7, startDate, now, tz);
    const required = upcoming ? requiredRate(m.value, m.target, upcoming.date, now, tz) : null;
    const finish = finishDate({ ...m, pace: unitPace }, now, tz);
    const status: Status = complete ? 'done'
      : !(m.target > 0) ? 'none'
      : !upcoming ? (milestones.length ? 'overdue' : 'none')
      : unitPace >= (required ?? 0) ? 'ahead' : 'behind';
    return {
      unit,
      value: m.value,
      target: m.target,
      today: m.today,
      completedAt: m.completedAt,
      progress: progress(m.value, m.target),
      complete,
      pace: unitPace,
      milestone: upcoming,
      required,
      needs: milestones.map((ms) => (daysLeft(ms.date, now, tz) > 0 ? requiredRate(m.value, m.target, ms.date, now, tz) : null)),
      finish,
      ahead: reference ? daysAhead(reference.date, finish) : null,
      rank: ranks.get(unit.code)!,
      movement: rankMovement(ranks.get(unit.code)!, startRanks.get(unit.code)!),
      finishOrder: order.get(unit.code) ?? null,
      status,
    };
  });
  return rows.sort((a, b) => a.rank - b.rank);
}

/**
 * Furthest behind first: overdue units, then the lowest ratio of pace to required rate;
 * finished units last, in finish order.
 */
export function byLag(rows: readonly UnitRow[]): UnitRow[] {
  const lag = (r: UnitRow): number => {
    if (r.complete) return Number.POSITIVE_INFINITY;
    if (r.status === 'overdue') return Number.NEGATIVE_INFINITY;
    if (r.required === null || r.required <= 0) return Number.MAX_VALUE;
    return r.pace / r.required;
  };
  return [...rows].sort((a, b) => lag(a) - lag(b) || a.rank - b.rank);
}

/**
 * When a unit met a milestone: when the last of the metrics it binds reached its target, or null
 * while one has not.
 */
export function milestoneDone(values: ReadonlyMap<string, UnitValues>, code: string, milestone: MilestoneInfo): number | null {
  const times = milestone.metrics.map((metric) => metricOf(values, code, metric).completedAt);
  return times.length && times.every((t) => t !== null) ? Math.max(...(times as number[])) : null;
}

/** Map colouring input: progress and completion per unit code. */
export function progressByUnit(
  units: readonly UnitInfo[],
  values: ReadonlyMap<string, UnitValues>,
  metric: string,
): Map<string, { progress: number | null; complete: boolean }> {
  return new Map(
    units.map((u) => {
      const m = metricOf(values, u.code, metric);
      return [u.code, { progress: progress(m.value, m.target), complete: isComplete(m.value, m.target) }];
    }),
  );
}
