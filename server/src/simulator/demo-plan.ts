/**
 * The reference campaign laid out over Hà Tĩnh's real communes: targets (districts in
 * proportion to the 2019 census, communes by a repeatable rule), and for every commune and
 * metric the day-by-day work that ends at the article's figures. `shift` moves every date,
 * so that the live demo is under way today.
 */
import { addDays, type UnitInfo } from '@tiendo/shared';
import { apportion, communeDays, unitRandom, type CommuneSchedule } from './plan.js';
import { REFERENCE } from './reference.js';

export interface MetricPlan {
  key: string;
  name: string;
  shortName: string;
  startDate: string;
  activationOf: string | null;
  /** Target by commune code; they sum exactly to the metric's target. */
  targets: Map<string, number>;
  schedules: CommuneSchedule[];
}

export interface DemoPlan {
  startDate: string;
  milestones: { name: string; date: string; metrics: string[]; document: string }[];
  metrics: MetricPlan[];
  commitments: { metric: string; unit: string; date: string; document: string }[];
}

/** Communes weigh by a repeatable draw; wards and towns hold more people per unit. */
function communeWeight(c: UnitInfo): number {
  const urban = c.type === 'phuong' || c.type === 'thi-tran' ? 1.35 : 1;
  return urban * (0.65 + 0.7 * unitRandom(`weight:${c.code}`));
}

export function demoPlan(units: readonly UnitInfo[], shift: number): DemoPlan {
  const districts = units.filter((u) => u.level === 'district' && u.parent === REFERENCE.province);
  const communesOf = new Map(districts.map((d) => [d.code, units.filter((u) => u.parent === d.code)]));
  const communes = districts.flatMap((d) => communesOf.get(d.code)!);

  // Finish order of the communes for CCCD: Thạch Kênh first, the rest by a repeatable draw.
  const finishRank = new Map(
    [...communes]
      .sort((a, b) => (a.code === REFERENCE.firstCommune ? -1 : b.code === REFERENCE.firstCommune ? 1 : unitRandom(`finish:${a.code}`) - unitRandom(`finish:${b.code}`)))
      .map((c, i) => [c.code, i / Math.max(1, communes.length - 1)]),
  );

  const metrics = REFERENCE.metrics.map((m): MetricPlan => {
    const districtTargets = apportion(m.target, districts.map((d) => REFERENCE.districtPopulation[d.code] ?? 1));
    const targets = new Map<string, number>();
    districts.forEach((d, i) => {
      const cs = communesOf.get(d.code)!;
      apportion(districtTargets[i], cs.map(communeWeight)).forEach((t, j) => targets.set(cs[j].code, t));
    });

    // Every commune ends at its target for CCCD; eID ends above or around it, as reported.
    const spread = m.final === m.target ? 0 : (m.final / m.target - 1) * 2;
    const finals = apportion(m.final, communes.map((c) => targets.get(c.code)! * (1 + spread * unitRandom(`final:${m.key}:${c.code}`))));
    const span = m.key === 'cccd_intake' ? 28 : 14;
    const schedules = communes.map((c, i) => {
      // Thạch Kênh finishes a few days before any other commune.
      const lead = Math.round(span * (1 - finishRank.get(c.code)!)) + (c.code === REFERENCE.firstCommune ? 3 : 0);
      return communeDays(c.code, m.key, finals[i], addDays(m.start, shift), addDays(m.finish, shift - lead));
    });
    return {
      key: m.key, name: m.name, shortName: m.shortName, startDate: addDays(m.start, shift),
      activationOf: 'activationOf' in m ? m.activationOf : null, targets, schedules,
    };
  });

  // The committed districts promised a date a few days after their last commune finished.
  const commitments = metrics
    .filter((m) => m.key !== 'cccd_intake')
    .flatMap((m) => REFERENCE.eidCommitted.map((district) => {
      const finish = m.schedules.filter((s) => units.find((u) => u.code === s.unit)?.parent === district).map((s) => s.days.at(-1)!.date).sort().at(-1)!;
      return { metric: m.key, unit: district, date: addDays(finish, 4), document: 'Cam kết của Công an huyện' };
    }));

  return {
    startDate: addDays(REFERENCE.startDate, shift),
    milestones: REFERENCE.milestones.map((ms) => ({ name: ms.name, date: addDays(ms.date, shift), metrics: [...ms.metrics], document: ms.document })),
    metrics,
    commitments,
  };
}
