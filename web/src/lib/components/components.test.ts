import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { startOfLocalDay, type CampaignInfo, type UnitInfo, type UnitValues } from '@tiendo/shared';
import { i18n } from '$lib/i18n.svelte';
import { rankRows } from '$lib/model';
import Countdown from './Countdown.svelte';
import Counter from './Counter.svelte';
import Freshness from './Freshness.svelte';
import Ranking from './Ranking.svelte';
import PaceChart from './PaceChart.svg.svelte';

const TZ = 'Asia/Ho_Chi_Minh';
afterEach(() => {
  cleanup();
  i18n.locale = 'vi-VN';
});

describe('Countdown', () => {
  const base = { name: 'Cam kết của Giám đốc', date: '2023-05-20', timeZone: TZ, locale: 'vi-VN' as const };

  it('shows the days, then the hours, minutes and seconds left as a clock', () => {
    const now = startOfLocalDay('2023-05-18', TZ) + (10 * 3600 + 30 * 60 + 15) * 1000;
    render(Countdown, { ...base, now, completedAt: null });
    expect(screen.getByRole('timer').textContent?.replace(/\s+/g, ' ').trim()).toBe('2ngày 13:29:45');
  });

  it('says how many days early the unit finished', () => {
    const finished = startOfLocalDay('2023-05-10', TZ) + 9 * 3_600_000;
    render(Countdown, { ...base, now: finished + 30 * 86_400_000, completedAt: finished });
    expect(screen.getByTestId('countdown').textContent).toContain('Về đích trước 10 ngày');
  });

  it('turns red once overdue', () => {
    render(Countdown, { ...base, now: startOfLocalDay('2023-05-23', TZ) + 1000, completedAt: null });
    const box = screen.getByTestId('countdown');
    expect(box.classList.contains('overdue')).toBe(true);
    expect(box.textContent).toContain('Quá hạn 2 ngày');
  });

  it('speaks English', () => {
    i18n.locale = 'en-US';
    const finished = startOfLocalDay('2023-05-10', TZ);
    render(Countdown, { ...base, locale: 'en-US', now: finished, completedAt: finished });
    expect(screen.getByTestId('countdown').textContent).toContain('Finished 10 days early');
  });
});

describe('Counter', () => {
  const value = (v: number, target: number, today = 0) => ({ value: v, target, today, last7: 0, completedAt: null });

  it('never shows 100% before the target is met', () => {
    render(Counter, { label: 'CCCD', value: value(1_130_341, 1_130_342), locale: 'vi-VN' });
    expect(screen.getByTestId('counter-progress').textContent).toBe('>99,9%');
    expect(screen.getByTestId('counter-value').textContent).toBe('1.130.341');
  });

  it('never shows 0% after the first record, and shows today', () => {
    render(Counter, { label: 'CCCD', value: value(3, 1_130_342, 3), locale: 'vi-VN' });
    expect(screen.getByTestId('counter-progress').textContent).toBe('<0,1%');
    expect(screen.getByRole('group').textContent).toContain('+3 hôm nay');
  });

  it('shows a target exceeded as it is', () => {
    render(Counter, { label: 'ĐDĐT', value: value(938_863, 859_268), locale: 'vi-VN' });
    expect(screen.getByTestId('counter-progress').textContent).toBe('109,3%');
  });
});

describe('Freshness', () => {
  const props = { timeZone: TZ, locale: 'vi-VN' as const, connection: 'live' as const };
  const at = startOfLocalDay('2023-05-10', TZ) + (14 * 3600 + 3 * 60 + 22) * 1000;

  it('says when the server was last heard', () => {
    render(Freshness, { ...props, lastContact: at, silence: 4000 });
    expect(screen.getByRole('status').textContent?.trim()).toBe('Cập nhật lúc 14:03:22');
  });

  it('warns, keeping the time of the last values, when the server goes quiet', () => {
    render(Freshness, { ...props, lastContact: at, silence: 125_000 });
    const status = screen.getByRole('status');
    expect(status.classList.contains('stale')).toBe(true);
    expect(status.textContent?.trim()).toBe('Mất tín hiệu từ 14:03:22');
  });
});

describe('Ranking', () => {
  const campaign: CampaignInfo = {
    id: 'c', name: 'c', timeZone: TZ, startDate: '2023-01-01', rootUnit: '42',
    status: 'active', metrics: [{ key: 'm', name: 'm' }], milestones: [{ name: 'Mốc', date: '2023-07-29', metrics: ['m'] }], commitments: [],
  };
  const units: UnitInfo[] = ['436', '437', '443'].map((code) => ({
    code, name: `Đơn vị ${code}`, fullName: `Huyện Đơn vị ${code}`, type: 'Huyện', level: 'district', parent: '42',
  }));
  const values = new Map<string, UnitValues>([
    ['436', { code: '436', metrics: { m: { value: 720, target: 1000, today: 20, last7: 70, completedAt: null } } }],
    ['437', { code: '437', metrics: { m: { value: 750, target: 1000, today: 100, last7: 70, completedAt: null } } }],
    ['443', { code: '443', metrics: { m: { value: 1000, target: 1000, today: 0, last7: 70, completedAt: 1 } } }],
  ]);
  const now = startOfLocalDay('2023-05-01', TZ) + 15 * 3_600_000;

  it('shows rank movement since the start of the day and the finish order', () => {
    render(Ranking, { rows: rankRows(units, values, 'm', campaign, now), locale: 'vi-VN' });
    // Rows keep one document order and are placed by their position (--i).
    const rows = screen.getAllByTestId('rank-row').sort((a, b) => Number(a.style.getPropertyValue('--i')) - Number(b.style.getPropertyValue('--i')));
    expect(rows.map((r) => r.querySelector('.name')?.textContent?.trim())).toEqual(['Đơn vị 443', 'Đơn vị 437', 'Đơn vị 436']);
    expect(rows.map((r) => r.querySelector('[data-testid=movement]')?.textContent?.trim())).toEqual(['–', '▲1', '▼1']);
    expect(rows[0].textContent).toContain('về đích thứ 1');
    expect(rows[1].dataset.status).toBe('ahead');
  });
});

describe('PaceChart', () => {
  it('draws the actual line up to now, the plan to each milestone and the projection', () => {
    const { container } = render(PaceChart, {
      props: {
        series: [{ date: '2023-01-01', value: 100 }, { date: '2023-01-02', value: 200 }],
        startDate: '2023-01-01',
        milestones: [{ name: 'Cam kết', date: '2023-01-10', metrics: ['m'] }, { name: 'Bộ', date: '2023-01-20', metrics: ['m'] }],
        timeZone: TZ,
        target: 1000,
        value: 250,
        pace: 100,
        now: startOfLocalDay('2023-01-03', TZ) + 3_600_000,
        locale: 'vi-VN',
      },
    });
    expect(container.querySelectorAll('path.plan')).toHaveLength(2);
    expect(screen.getByTestId('actual').getAttribute('d')).toMatch(/^M56,\d+(\.\d+)?L/);
    expect(screen.getByTestId('projection')).toBeTruthy();
    // 750 left at 100 a day from 3 January: 7.5 days, counted whole as the shared math does.
    expect(container.textContent).toContain('Dự kiến về đích 11/01/2023');
    expect([...container.querySelectorAll('text.milestone-label')].map((t) => t.textContent)).toEqual(['Cam kết', 'Bộ']);
  });
});
