import { describe, expect, it } from 'vitest';
import { startOfLocalDay } from '@tiendo/shared';
import { MARGIN, paceChart } from './pace-chart.js';

const TZ = 'Asia/Ho_Chi_Minh';
const base = {
  startDate: '2023-01-01',
  milestones: [{ name: 'Cam kết', date: '2023-01-10', metrics: ['m'] }, { name: 'Bộ', date: '2023-01-20', metrics: ['m'] }],
  target: 1000,
  timeZone: TZ,
  width: 600,
  height: 300,
};

describe('paceChart', () => {
  const now = startOfLocalDay('2023-01-05', TZ) + 12 * 3_600_000;
  const chart = paceChart({
    ...base,
    series: [{ date: '2023-01-01', value: 100 }, { date: '2023-01-02', value: 200 }, { date: '2023-01-03', value: 300 }, { date: '2023-01-04', value: 400 }, { date: '2023-01-05', value: 420 }],
    value: 450,
    pace: 100,
    now,
  });

  it('spans the campaign start to the last milestone, and zero to above the target', () => {
    expect(chart.x(Date.parse('2023-01-01T00:00:00Z'))).toBe(MARGIN.left);
    expect(chart.x(Date.parse('2023-01-21T00:00:00Z'))).toBe(600 - MARGIN.right);
    expect(chart.y(0)).toBe(300 - MARGIN.bottom);
    expect(chart.y.domain()[1]).toBeGreaterThanOrEqual(1000);
    expect(chart.targetY).toBeLessThan(chart.y(450));
  });

  it('marks whole numbers only on the value axis, even before anything is counted', () => {
    const empty = paceChart({ ...base, target: 0, series: [], value: 0, pace: 0, now });
    expect(empty.yTicks.map((t) => t.value)).toEqual([0, 1]);
    expect(chart.yTicks.map((t) => t.value).every(Number.isInteger)).toBe(true);
  });

  it('draws the plan to each milestone from the start at zero', () => {
    expect(chart.plans.map((p) => p.name)).toEqual(['Cam kết', 'Bộ']);
    // From (1 Jan, 0) to the end of 10 January at the target: 10 of the 20 days across.
    expect(chart.plans[0].path).toBe(`M56,274L320,${Number(chart.targetY.toFixed(3))}`);
  });

  it('ends the actual line at the live value now, not at the partial day of the series', () => {
    expect(chart.head).toEqual({ x: chart.nowX, y: chart.y(450) });
    const round = (n: number) => Number(n.toFixed(3));
    expect(chart.actual.endsWith(`L${round(chart.nowX)},${round(chart.y(450))}`)).toBe(true);
    expect(chart.nowX).toBeCloseTo(chart.x(Date.parse('2023-01-05T12:00:00Z')));
  });

  it('projects the finish at the 7-day pace', () => {
    // 550 left at 100 a day: 5.5 days, so the target is reached during 11 January.
    expect(chart.finishDate).toBe('2023-01-11');
    expect(chart.projection).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
  });

  it('has no projection once the target is met or without pace', () => {
    expect(paceChart({ ...base, series: [], value: 1000, pace: 100, now }).projection).toBeNull();
    expect(paceChart({ ...base, series: [], value: 10, pace: 0, now }).projection).toBeNull();
  });
});
