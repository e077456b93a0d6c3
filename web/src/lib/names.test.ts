import { describe, expect, it } from 'vitest';
import { shortName } from './names.js';

describe('shortName', () => {
  it.each([
    ['Kỳ Anh', 'Thị xã Kỳ Anh', 'TX Kỳ Anh'],
    ['Kỳ Anh', 'Huyện Kỳ Anh', 'Kỳ Anh'],
    ['Hà Tĩnh', 'Thành phố Hà Tĩnh', 'TP Hà Tĩnh'],
    ['Thạch Hà', 'Thị trấn Thạch Hà', 'TT Thạch Hà'],
    ['Thạch Kênh', 'Xã Thạch Kênh', 'Thạch Kênh'],
  ])('%s (%s) is %s', (name, fullName, expected) => {
    expect(shortName({ name, fullName })).toBe(expected);
  });
});
