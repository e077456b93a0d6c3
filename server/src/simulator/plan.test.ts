import { describe, expect, it } from 'vitest';
import { subtree } from '../catalog/catalog.js';
import { apportion, communeDays } from './plan.js';
import { demoPlan } from './demo-plan.js';
import { REFERENCE } from './reference.js';

describe('apportion', () => {
  it.each([
    [10, [1, 1, 1], [4, 3, 3]],
    [1_130_342, [104_037, 38_411], null],
    [7, [0, 1], [0, 7]],
  ])('splits %d exactly', (total, weights, expected) => {
    const parts = apportion(total, weights);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    if (expected) expect(parts).toEqual(expected);
  });
});

describe('communeDays', () => {
  it('sums exactly to the final value, one entry a day, never negative', () => {
    const s = communeDays('18586', 'cccd_intake', 5123, '2023-02-01', '2023-04-12');
    expect(s.days).toHaveLength(71);
    expect(s.days[0].date).toBe('2023-02-01');
    expect(s.days.at(-1)!.date).toBe('2023-04-12');
    expect(s.days.reduce((a, d) => a + d.gain, 0)).toBe(5123);
    expect(s.days.every((d) => d.gain >= 0)).toBe(true);
  });
});

describe('demoPlan', () => {
  const plan = demoPlan(subtree('42')!, 0);

  it('spreads targets exactly: the province sums to the article figures', () => {
    const sums = plan.metrics.map((m) => [...m.targets.values()].reduce((a, b) => a + b, 0));
    expect(sums).toEqual([1_130_342, 859_268, 859_268]);
    expect(plan.metrics[0].targets.size).toBe(216);
  });

  it('ends at the final figures on the reference dates', () => {
    for (const [i, m] of REFERENCE.metrics.entries()) {
      const schedules = plan.metrics[i].schedules;
      const total = schedules.reduce((a, s) => a + s.days.reduce((b, d) => b + d.gain, 0), 0);
      expect(total).toBe(m.final);
      const last = schedules.map((s) => s.days.at(-1)!.date).sort().at(-1);
      expect(last).toBe(m.finish);
    }
  });

  it('finishes Thạch Kênh first and every commune at its CCCD target', () => {
    const cccd = plan.metrics[0];
    const finish = new Map(cccd.schedules.map((s) => [s.unit, s.days.at(-1)!.date]));
    const first = [...finish.values()].sort()[0];
    expect(finish.get('18586')).toBe(first);
    for (const s of cccd.schedules) expect(s.days.reduce((a, d) => a + d.gain, 0)).toBe(cccd.targets.get(s.unit));
  });

  it('shifts every date for the live demo', () => {
    const shifted = demoPlan(subtree('42')!, 10);
    expect(shifted.startDate).toBe('2023-02-11');
    expect(shifted.milestones.map((m) => m.date)).toEqual(['2023-05-30', '2023-08-08', '2023-07-10']);
    expect(shifted.commitments.every((c) => c.date > shifted.startDate)).toBe(true);
  });
});
