import { describe, expect, it } from 'vitest';
import { campaignTitle, metricShortNames, shortName } from './names.js';

describe('shortName', () => {
  it.each([
    ['Kỳ Anh', 'Thị xã Kỳ Anh', 'TX. Kỳ Anh', 'TX. Kỳ Anh'],
    ['Kỳ Anh', 'Huyện Kỳ Anh', 'Kỳ Anh', 'H. Kỳ Anh'],
    ['Hà Tĩnh', 'Thành phố Hà Tĩnh', 'TP. Hà Tĩnh', 'TP. Hà Tĩnh'],
    ['Nghèn', 'Thị trấn Nghèn', 'TT. Nghèn', 'TT. Nghèn'],
    ['Bắc Hà', 'Phường Bắc Hà', 'P. Bắc Hà', 'P. Bắc Hà'],
    ['Thạch Kênh', 'Xã Thạch Kênh', 'Thạch Kênh', 'X. Thạch Kênh'],
    ['Ba Đình', 'Quận Ba Đình', 'Q. Ba Đình', 'Q. Ba Đình'],
  ])('%s (%s) is %s, or %s with its type', (name, fullName, short, typed) => {
    expect(shortName({ name, fullName })).toBe(short);
    expect(shortName({ name, fullName }, true)).toBe(typed);
  });
});

describe('metricShortNames', () => {
  const haTinh = [
    { key: 'cccd_intake', name: 'Thu nhận CCCD gắn chip' },
    { key: 'eid2_intake', name: 'Thu nhận định danh điện tử mức 2' },
    { key: 'eid2_activation', name: 'Kích hoạt định danh điện tử mức 2' },
  ];

  it('tells each metric of the campaign apart in a few letters', () => {
    expect([...metricShortNames(haTinh).values()]).toEqual(['CCCD', 'ĐDĐT thu nhận', 'ĐDĐT kích hoạt']);
    expect([...metricShortNames(haTinh, 'en-US').values()]).toEqual(['Chip ID', 'eID intake', 'eID activation']);
  });

  it('names the step once a subject has two metrics', () => {
    const both = [haTinh[0], { key: 'cccd_delivery', name: 'Trả thẻ CCCD' }, { key: 'cccd_activation', name: 'Kích hoạt CCCD' }];
    expect([...metricShortNames(both).values()]).toEqual(['CCCD thu nhận', 'CCCD', 'CCCD kích hoạt']);
  });

  it('prefers the server short name, and keeps an unknown metric name', () => {
    const names = metricShortNames([{ key: 'eid2_intake', name: 'x', shortName: 'ĐDĐT-2' }, { key: 'passports', name: 'Hộ chiếu' }]);
    expect([...names.values()]).toEqual(['ĐDĐT-2', 'Hộ chiếu']);
  });
});

describe('campaignTitle', () => {
  it('drops the unit the heading names and abbreviates the long phrases', () => {
    const name = 'Thu nhận CCCD gắn chip và định danh điện tử mức 2 — tỉnh Hà Tĩnh';
    expect(campaignTitle(name)).toBe('Thu nhận CCCD gắn chip và ĐDĐT mức 2');
    expect(campaignTitle('Cấp căn cước công dân - Thành phố Hà Nội')).toBe('Cấp CCCD');
    expect(campaignTitle('Đợt 2 — tháng 5')).toBe('Đợt 2 — tháng 5');
  });
});
