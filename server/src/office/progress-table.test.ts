import { describe, expect, it } from 'vitest';
import { endOfLocalDay, type CampaignInfo, type UnitInfo, type UnitValues } from '@tiendo/shared';
import { tableCsv } from './exports.js';
import { progressTable } from './progress-table.js';

const TZ = 'Asia/Ho_Chi_Minh';
const campaign: CampaignInfo = {
  id: 'c', name: 'Chiến dịch', timeZone: TZ, startDate: '2023-04-01', rootUnit: 'D', status: 'active',
  metrics: [{ key: 'm', name: 'Thu nhận CCCD' }, { key: 'n', name: 'Khác' }],
  milestones: [
    { name: 'Mốc sau', date: '2023-05-31', metrics: ['m'] },
    { name: 'Mốc trước', date: '2023-05-11', metrics: ['m'] },
    { name: 'Mốc khác', date: '2023-05-15', metrics: ['n'] },
  ],
  commitments: [],
};
const unit = (code: string, name: string, level: UnitInfo['level'] = 'commune'): UnitInfo => ({ code, name, fullName: `Xã ${name}`, type: 'xa', level, parent: level === 'commune' ? 'D' : null });
const scope = { ...unit('D', 'Thạch Hà', 'district'), fullName: 'Huyện Thạch Hà' };
const children = [unit('1', 'Một'), unit('2', 'Hai'), unit('3', 'Ba'), unit('4', 'Bốn')];
const at = (date: string) => endOfLocalDay(date, TZ) - 1;
const value = (code: string, v: number, target: number, today: number, last7: number, completedAt: number | null = null): UnitValues =>
  ({ code, metrics: { m: { value: v, target, today, last7, completedAt } } });

const values = new Map([
  value('1', 999, 1000, 10, 70),
  value('2', 1200, 1000, 0, 0, at('2023-05-02')),
  value('3', 1000, 1000, 50, 350, at('2023-05-09')),
  value('4', 0, 0, 0, 0),
  value('D', 3199, 3000, 60, 420),
].map((v) => [v.code, v]));

describe('the progress table', () => {
  const table = progressTable({ campaign, scope, children, values, metric: 'm', date: '2023-05-10', live: false, now: at('2023-05-10') });

  it('ranks the children: progress, then the earlier finish; a unit without a target last', () => {
    expect(table.rows.map((r) => [r.rank, r.unit])).toEqual([[1, '2'], [2, '3'], [3, '1'], [4, '4']]);
  });

  it('rounds the rate the honest way, and finishes in order with their dates', () => {
    const row = (code: string) => table.rows.find((r) => r.unit === code)!;
    expect(row('1')).toMatchObject({ progress: 0.999, remaining: 1, finishedOn: null, finishOrder: null, projectedFinish: '2023-05-11' });
    expect(row('2')).toMatchObject({ progress: 1.2, finishedOn: '2023-05-02', finishOrder: 1, projectedFinish: null });
    expect(row('3')).toMatchObject({ progress: 1, finishedOn: '2023-05-09', finishOrder: 2 });
    expect(row('4').progress).toBeNull();
  });

  it('needs per day for the metric\'s own milestones only, in date order, rounded up', () => {
    expect(table.milestones).toEqual([{ name: 'Mốc trước', date: '2023-05-11' }, { name: 'Mốc sau', date: '2023-05-31' }]);
    expect(table.rows.find((r) => r.unit === '1')!.needs).toEqual([1, 1]);
    const total = table.total;
    expect(total).toMatchObject({ rank: 0, unitName: 'Huyện Thạch Hà', value: 3199, today: 60, pace: 60 });
    expect(total.needs).toEqual([0, 0]);
  });

  it('writes the CSV: plain numbers, the rate in percent, dd/mm/yyyy, the total last', () => {
    const lines = tableCsv(table).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('STT,Đơn vị,Chỉ tiêu,Thực hiện,Tỷ lệ (%),Còn lại,Trong ngày 10/05,Cần/ngày: Mốc trước (11/05/2023),Cần/ngày: Mốc sau (31/05/2023),Về đích,Thứ tự về đích,Dự kiến về đích');
    expect(lines[1]).toBe('1,Xã Hai,1000,1200,120.0,0,0,0,0,02/05/2023,1,');
    expect(lines[3]).toBe('3,Xã Một,1000,999,99.9,1,10,1,1,,,11/05/2023');
    expect(lines.at(-1)).toBe(',Tổng cộng,3000,3199,106.6,0,60,0,0,,,');
  });
});
