/**
 * The progress table of a scope on a day, the one the exports and the evening report print: its
 * children ranked, each with target, value, rate, what remains, the day's gain, what each of the
 * metric's own milestones requires per day, and when it finished and in which place; the scope
 * itself as the total line. Figures come from the shared domain math, at the instant given
 * (now, or the end of a past day).
 */
import {
  derive, finishOrder, isComplete, localDate, metricView, rank, roundedProgress,
  type CampaignInfo, type MetricValue, type ProgressRow, type ProgressTable, type UnitInfo, type UnitValues,
} from '@tiendo/shared';

const EMPTY: MetricValue = { value: 0, target: 0, today: 0, last7: 0, completedAt: null };

export interface TableInput {
  campaign: CampaignInfo;
  scope: UnitInfo;
  children: UnitInfo[];
  values: ReadonlyMap<string, UnitValues>;
  metric: string;
  date: string;
  live: boolean;
  /** The instant the figures stand at. */
  now: number;
}

export function progressTable(input: TableInput): ProgressTable {
  const { campaign, scope, children, values, metric, now } = input;
  const view = metricView(campaign, metric);
  const tz = campaign.timeZone;
  const of = (code: string) => values.get(code)?.metrics[metric] ?? EMPTY;
  const siblings = children.map((u) => ({ code: u.code, ...of(u.code) }));
  const ranks = rank(siblings);
  const order = finishOrder(siblings);

  const row = (unit: UnitInfo, place: number): ProgressRow => {
    const m = of(unit.code);
    const d = derive(m, view, now);
    const done = isComplete(m.value, m.target);
    return {
      rank: place,
      unit: unit.code,
      unitName: unit.fullName,
      name: unit.name,
      target: m.target,
      value: m.value,
      progress: roundedProgress(m.value, m.target),
      remaining: d.remaining,
      today: m.today,
      pace: d.pace,
      // People a day: a fraction of one is still one more to enrol.
      needs: d.milestones.map((ms) => (ms.requiredRate === null ? null : Math.ceil(ms.requiredRate))),
      finishedOn: done && m.completedAt !== null ? localDate(m.completedAt, tz) : null,
      finishOrder: order.get(unit.code) ?? null,
      projectedFinish: done ? null : d.finishDate,
    };
  };

  return {
    campaign: { id: campaign.id, name: campaign.name },
    scope: { code: scope.code, name: scope.fullName },
    metric: { key: metric, name: campaign.metrics.find((m) => m.key === metric)?.name ?? metric },
    date: input.date,
    live: input.live,
    asOf: new Date(now).toISOString(),
    milestones: view.milestones.map((m) => ({ name: m.name, date: m.date })),
    rows: children.map((u) => row(u, ranks.get(u.code)!)).sort((a, b) => a.rank - b.rank),
    total: row(scope, 0),
  };
}
