/**
 * Scales and paths of the pace chart: the cumulative value against the straight line from the
 * campaign start to the target on each milestone, and the projection at the 7-day pace.
 * Time runs on "campaign days" (a local date placed at UTC midnight) so every day has the
 * same width whatever the viewer's time zone.
 */
import { scaleLinear, scaleUtc, line, area } from 'd3';
import { addDays, DAY_MS, localDate, startOfLocalDay, type MilestoneInfo } from '@tiendo/shared';

export interface PaceChartInput {
  /** Value at the end of each local date, from the series endpoint. */
  series: readonly { date: string; value: number }[];
  startDate: string;
  milestones: readonly MilestoneInfo[];
  target: number;
  /** The value now (live or at the end of the day shown in history). */
  value: number;
  /** Mean daily gain over the last 7 full days. */
  pace: number;
  now: number;
  timeZone: string;
  width: number;
  height: number;
  /** The root font size in px: margins and tick spacing follow the type, which follows the screen. */
  rem?: number;
}

/** Room for the axes' labels around the plot, for a root font size. */
export function margins(rem = 16) {
  return { top: Math.round(rem * 1.625), right: rem, bottom: Math.round(rem * 1.625), left: Math.round(rem * 3.5) };
}

export const MARGIN = margins();

const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dayEnd = (date: string) => dayStart(date) + DAY_MS;

export function paceChart(input: PaceChartInput) {
  const { series, startDate, milestones, target, value, pace, now, timeZone, width, height, rem = 16 } = input;
  const MARGIN = margins(rem);
  const today = localDate(now, timeZone);
  const nowT = dayStart(today) + (now - startOfLocalDay(today, timeZone));
  const start = dayStart(startDate);
  const lastMilestone = Math.max(start + DAY_MS, ...milestones.map((m) => dayEnd(m.date)));

  const complete = target > 0 && value >= target;
  const finishT = !complete && pace > 0 ? nowT + ((target - value) / pace) * DAY_MS : null;
  // Show the projected finish when it is near; a far-off one is cut at half the plan again.
  const planLength = lastMilestone - start;
  const end = Math.max(lastMilestone, nowT + DAY_MS, Math.min(finishT ?? 0, start + planLength * 1.5));

  const points: [number, number][] = series
    .filter((p) => p.date < today)
    .map((p) => [dayEnd(p.date), p.value]);
  points.unshift([start, 0]);
  points.push([nowT, value]);
  const top = Math.max(target, ...points.map((p) => p[1])) * 1.08 || 1;

  const x = scaleUtc().domain([start, end]).range([MARGIN.left, width - MARGIN.right]);
  const y = scaleLinear().domain([0, top]).range([height - MARGIN.bottom, MARGIN.top]);
  const path = line<[number, number]>((p) => x(p[0]), (p) => y(p[1]));

  const plans = milestones.map((m) => ({
    name: m.name,
    x: x(dayEnd(m.date)),
    path: path([[start, 0], [dayEnd(m.date), target]]) ?? '',
  }));

  let projection: string | null = null;
  if (finishT !== null) {
    const stopT = Math.min(finishT, end);
    projection = path([[nowT, value], [stopT, value + ((stopT - nowT) / DAY_MS) * pace]]);
  }

  return {
    x,
    y,
    nowX: x(nowT),
    targetY: y(target),
    actual: path(points) ?? '',
    actualArea: area<[number, number]>((p) => x(p[0]), y(0), (p) => y(p[1]))(points) ?? '',
    head: { x: x(nowT), y: y(value) },
    plans,
    projection,
    finishDate: finishT !== null && finishT <= end ? addDays(today, Math.ceil((target - value) / pace)) : null,
    margin: MARGIN,
    // A date label is about four rem wide: as many as fit, with room between them.
    xTicks: x.ticks(Math.max(2, Math.min(6, Math.floor((width - MARGIN.left - MARGIN.right) / (rem * 6))))).map((t) => ({ x: x(t), date: new Date(t).toISOString().slice(0, 10) })),
    // People are counted whole: a campaign with nothing yet (the scale runs to 1) shows 0 and 1, not 0, 0, 1, 1.
    yTicks: y.ticks(Math.max(2, Math.min(4, Math.floor((height - MARGIN.top - MARGIN.bottom) / (rem * 2.5))))).filter(Number.isInteger).map((v) => ({ y: y(v), value: v })),
  };
}
