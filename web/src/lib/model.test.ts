import { describe, expect, it } from 'vitest';
import { startOfLocalDay, type CampaignInfo, type UnitInfo, type UnitValues } from '@tiendo/shared';
import { buildTree, byLag, descendants, expectedProgress, rankRows } from './model.js';
import { countdown } from './countdown.js';

const TZ = 'Asia/Ho_Chi_Minh';
const campaign: CampaignInfo = {
  id: 'ha-tinh', name: 'CCCD', timeZone: TZ, startDate: '2023-01-01', rootUnit: '42',
  status: 'active',
  metrics: [{ key: 'm', name: 'M' }],
  milestones: [
    { name: 'Mốc Bộ giao', date: '2023-07-29', metrics: ['m'] },
    { name: 'Cam kết của Giám đốc', date: '2023-05-20', metrics: ['m'] },
  ],
  commitments: [],
};
const district = (code: string): UnitInfo => ({ code, name: code, fullName: code, type: 'Huyện', level: 'district', parent: '42' });
const values = (rows: [string, number, number, number, number | null][]) =>
  new Map<string, UnitValues>(rows.map(([code, value, today, last7, completedAt]) => [
    code, { code, metrics: { m: { value, target: 1000, today, last7, completedAt } } },
  ]));

// 1 May 2023, 15:00 in Hà Tĩnh.
const now = startOfLocalDay('2023-05-01', TZ) + 15 * 3_600_000;

describe('rankRows', () => {
  const units = ['436', '437', '439'].map(district);

  it('ranks by progress and reports movement since the start of the day', () => {
    // 437 overtook 436 today (start of day: 436 at 700, 437 at 650).
    const rows = rankRows(units, values([['436', 720, 20, 70, null], ['437', 750, 100, 70, null], ['439', 200, 0, 7, null]]), 'm', campaign, now);
    expect(rows.map((r) => [r.unit.code, r.rank, r.movement])).toEqual([['437', 1, 1], ['436', 2, -1], ['439', 3, 0]]);
  });

  it('counts a completion made today as a move, and gives the finish order', () => {
    const early = startOfLocalDay('2023-04-20', TZ);
    const rows = rankRows(units, values([['436', 1000, 0, 0, early], ['437', 1000, 300, 500, now - 1000], ['439', 200, 0, 7, null]]), 'm', campaign, now);
    expect(rows.map((r) => [r.unit.code, r.finishOrder, r.movement, r.status])).toEqual([
      ['436', 1, 0, 'done'], ['437', 2, 0, 'done'], ['439', null, 0, 'behind'],
    ]);
  });

  it('computes pace, the rate required for each milestone and days ahead', () => {
    // 300 left; 20 days to the end of 20 May; 7-day pace 20/day: done in 15 days, on 16 May, 4 days ahead.
    const [row] = rankRows([district('436')], values([['436', 700, 5, 140, null]]), 'm', campaign, startOfLocalDay('2023-05-01', TZ));
    expect(row.pace).toBe(20);
    expect(row.milestone?.name).toBe('Cam kết của Giám đốc');
    expect(row.required).toBeCloseTo(300 / 20);
    expect(row.needs[1]).toBeCloseTo(300 / 90);
    expect(row.finish).toBe('2023-05-16');
    expect(row.ahead).toBe(4);
    expect(row.status).toBe('ahead');
  });

  it('marks units overdue once every milestone has passed', () => {
    const [row] = rankRows([district('436')], values([['436', 700, 5, 140, null]]), 'm', campaign, startOfLocalDay('2023-08-01', TZ));
    expect(row.status).toBe('overdue');
    expect(row.needs).toEqual([null, null]);
  });

  it('sorts the furthest behind first for the district view', () => {
    const rows = rankRows(units, values([['436', 1000, 0, 0, 1], ['437', 500, 0, 70, null], ['439', 600, 0, 7, null]]), 'm', campaign, now);
    expect(byLag(rows).map((r) => r.unit.code)).toEqual(['439', '437', '436']);
  });
});

describe('descendants', () => {
  it('finds every commune under a province', () => {
    const tree = buildTree([
      { code: '42', name: '', fullName: '', type: '', level: 'province', parent: null },
      district('436'),
      { code: 'a', name: '', fullName: '', type: '', level: 'commune', parent: '436' },
      district('437'),
      { code: 'b', name: '', fullName: '', type: '', level: 'commune', parent: '437' },
    ]);
    expect(descendants(tree, '42', 'commune').map((u) => u.code)).toEqual(['a', 'b']);
    expect(descendants(tree, '42', 'district').map((u) => u.code)).toEqual(['436', '437']);
  });
});

describe('countdown', () => {
  it('counts down to the end of the milestone date in the campaign zone', () => {
    const at = startOfLocalDay('2023-05-18', TZ) + (10 * 3600 + 30 * 60 + 15) * 1000;
    expect(countdown('2023-05-20', TZ, at, null)).toEqual({ kind: 'running', days: 2, hours: 13, minutes: 29, seconds: 45 });
  });

  it('says how many days early the unit finished', () => {
    const finished = startOfLocalDay('2023-05-10', TZ) + 10 * 3_600_000;
    expect(countdown('2023-05-20', TZ, finished + 99 * 86_400_000, finished)).toEqual({ kind: 'done', daysEarly: 10 });
    expect(countdown('2023-07-29', TZ, finished, finished)).toEqual({ kind: 'done', daysEarly: 80 });
    expect(countdown('2023-05-08', TZ, finished, finished)).toEqual({ kind: 'done', daysEarly: -2 });
  });

  it('turns overdue after the milestone date ends', () => {
    const end = startOfLocalDay('2023-05-21', TZ);
    expect(countdown('2023-05-20', TZ, end + 1000, null)).toEqual({ kind: 'overdue', days: 0 });
    expect(countdown('2023-05-20', TZ, end + 3 * 86_400_000 + 1, null)).toEqual({ kind: 'overdue', days: 3 });
  });
});

describe('expectedProgress', () => {
  const TZ = 'Asia/Ho_Chi_Minh';
  const base: CampaignInfo = {
    id: 'c', name: 'c', timeZone: TZ, startDate: '2023-05-01', rootUnit: '42',
    metrics: [{ key: 'm', name: 'M' }, { key: 'late', name: 'L', startDate: '2023-05-11' }],
    milestones: [{ name: 'Bộ', date: '2023-05-30', metrics: ['m', 'late'] }, { name: 'Cam kết', date: '2023-05-10', metrics: ['m'] }],
    status: 'active',
    commitments: [],
  };

  it('follows the straight line to the next milestone, as the pace chart draws it', () => {
    expect(expectedProgress(base, 'm', startOfLocalDay('2023-05-01', TZ))).toBe(0);
    // Half of the ten days to the end of 10 May.
    expect(expectedProgress(base, 'm', startOfLocalDay('2023-05-06', TZ))).toBeCloseTo(0.5, 10);
    // After 10 May the line runs to the end of 30 May: 20 of 30 days gone on the 21st.
    expect(expectedProgress(base, 'm', startOfLocalDay('2023-05-21', TZ))).toBeCloseTo(20 / 30, 10);
  });

  it('follows a metric from its own first day to its own milestones', () => {
    // From 11 May to the end of 30 May: 10 of 20 days gone on the 21st; "Cam kết" does not bind it.
    expect(expectedProgress(base, 'late', startOfLocalDay('2023-05-21', TZ))).toBeCloseTo(0.5, 10);
    expect(expectedProgress(base, 'late', startOfLocalDay('2023-05-06', TZ))).toBe(0);
  });

  it('expects everything once every milestone has passed, and nothing without milestones', () => {
    expect(expectedProgress(base, 'm', startOfLocalDay('2023-06-02', TZ))).toBe(1);
    expect(expectedProgress({ ...base, milestones: [] }, 'm', startOfLocalDay('2023-05-06', TZ))).toBeNull();
  });
});
