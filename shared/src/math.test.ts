import { describe, expect, it } from 'vitest';
import {
  compareRank, conversion, daysAhead, finishDate, finishOrder, pace, progress, rank, rankMovement,
  remaining, requiredRate, daysLeft, derive,
} from './math.js';

const TZ = 'Asia/Ho_Chi_Minh';
const at = (iso: string) => Date.parse(iso);

describe('progress and remaining', () => {
  it.each([
    [0, 100, 0, 100],
    [50, 200, 0.25, 150],
    [1_130_342, 1_130_342, 1, 0],
    [938_863, 859_268, 938_863 / 859_268, 0],
  ])('value %d of %d', (value, target, p, rest) => {
    expect(progress(value, target)).toBeCloseTo(p, 12);
    expect(remaining(value, target)).toBe(rest);
  });

  it('has no progress without a target', () => {
    expect(progress(10, 0)).toBeNull();
  });
});

describe('conversion', () => {
  it('is activation over intake', () => {
    expect(conversion(870_888, 938_863)).toBeCloseTo(0.9276, 4);
    expect(conversion(5, 0)).toBeNull();
  });
});

describe('pace', () => {
  it.each([
    // sum of the last full days, start date, now, expected mean per day
    [7000, '2023-01-01', '2023-05-01T10:00:00+07:00', 1000],
    [300, '2023-04-28', '2023-05-01T10:00:00+07:00', 100], // 3 full days so far
    [0, '2023-05-01', '2023-05-01T23:59:00+07:00', 0], // first day: no full day yet
    [700, '2023-04-24', '2023-04-30T23:30:00+07:00', 700 / 6], // 17:30 UTC is still 30 April locally
  ])('sum %d since %s at %s', (sum, start, now, expected) => {
    expect(pace(sum, start, at(now), TZ)).toBeCloseTo(expected, 9);
  });
});

describe('required rate and days left', () => {
  it('counts to the end of the milestone day in local time', () => {
    expect(daysLeft('2023-05-20', at('2023-05-10T00:00:00+07:00'), TZ)).toBe(11);
    expect(daysLeft('2023-05-20', at('2023-05-20T12:00:00+07:00'), TZ)).toBe(0.5);
  });

  it.each([
    [0, 1100, '2023-05-20', '2023-05-10T00:00:00+07:00', 100],
    [1100, 1100, '2023-05-20', '2023-05-10T00:00:00+07:00', 0],
    [500, 1100, '2023-05-20', '2023-05-21T08:00:00+07:00', null], // overdue and not done
    [1100, 1100, '2023-05-20', '2023-05-21T08:00:00+07:00', 0], // overdue but done
  ])('value %d of %d before %s at %s', (value, target, milestone, now, expected) => {
    const rate = requiredRate(value, target, milestone, at(now), TZ);
    if (expected === null) expect(rate).toBeNull();
    else expect(rate).toBeCloseTo(expected, 9);
  });
});

describe('finish date and days ahead', () => {
  const now = at('2023-05-01T09:00:00+07:00');

  it('uses the actual completion date when done', () => {
    const done = { value: 1_130_342, target: 1_130_342, completedAt: at('2023-05-10T16:20:00+07:00'), pace: 0 };
    expect(finishDate(done, now, TZ)).toBe('2023-05-10');
    expect(daysAhead('2023-05-20', '2023-05-10')).toBe(10);
    expect(daysAhead('2023-07-29', '2023-05-10')).toBe(80);
  });

  it('projects the remaining work at the current pace', () => {
    expect(finishDate({ value: 900, target: 1000, pace: 30 }, now, TZ)).toBe('2023-05-05');
    expect(finishDate({ value: 900, target: 1000, pace: 0 }, now, TZ)).toBeNull();
    expect(daysAhead('2023-05-03', '2023-05-05')).toBe(-2);
    expect(daysAhead('2023-05-03', null)).toBeNull();
  });
});

describe('ranking', () => {
  const units = [
    { code: '440', value: 50, target: 100, completedAt: null },
    { code: '436', value: 100, target: 100, completedAt: at('2023-05-03T10:00:00Z') },
    { code: '437', value: 120, target: 100, completedAt: at('2023-05-05T10:00:00Z') },
    { code: '439', value: 100, target: 100, completedAt: at('2023-05-01T10:00:00Z') },
    { code: '441', value: 50, target: 100, completedAt: null },
    { code: '442', value: 0, target: 0, completedAt: null },
  ];

  it('orders by progress, then earlier completion, then code', () => {
    expect([...units].sort(compareRank).map((u) => u.code)).toEqual(['437', '439', '436', '440', '441', '442']);
    expect(rank(units).get('439')).toBe(2);
  });

  it('gives finish order only to completed units, by completion instant', () => {
    const order = finishOrder(units);
    expect([...order.entries()]).toEqual([['439', 1], ['436', 2], ['437', 3]]);
  });

  it('reports movement as places climbed', () => {
    expect(rankMovement(2, 5)).toBe(3);
    expect(rankMovement(5, 2)).toBe(-3);
    expect(rankMovement(4, 4)).toBe(0);
  });
});

describe('derive', () => {
  const campaign = {
    startDate: '2023-02-01',
    timeZone: TZ,
    milestones: [{ name: 'Cam kết của Giám đốc', date: '2023-05-20' }, { name: 'Mốc Bộ giao', date: '2023-07-29' }],
  };

  it('gives the article figures for the finished province', () => {
    const figures = derive(
      { value: 1_130_342, target: 1_130_342, last7: 70_000, completedAt: at('2023-05-10T15:00:00+07:00') },
      campaign,
      at('2023-05-12T09:00:00+07:00'),
    );
    expect(figures.progress).toBe(1);
    expect(figures.finishDate).toBe('2023-05-10');
    expect(figures.milestones.map((m) => m.daysAhead)).toEqual([10, 80]);
    expect(figures.milestones.map((m) => m.requiredRate)).toEqual([0, 0]);
  });

  it('projects an unfinished unit at its pace', () => {
    const figures = derive({ value: 800, target: 1000, last7: 140, completedAt: null }, campaign, at('2023-05-01T09:00:00+07:00'));
    expect(figures.pace).toBe(20);
    expect(figures.finishDate).toBe('2023-05-11');
    expect(figures.milestones[0].daysAhead).toBe(9);
    expect(figures.milestones[0].requiredRate).toBeCloseTo(200 / (19 + 15 / 24), 9);
  });
});
