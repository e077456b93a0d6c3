import { describe, expect, it } from 'vitest';
import { catalog, subtree } from './catalog.js';

describe('catalog', () => {
  it('holds the GSO list of April 2023', () => {
    const levels = [...catalog().values()].reduce<Record<string, number>>((acc, u) => ({ ...acc, [u.level]: (acc[u.level] ?? 0) + 1 }), {});
    expect(levels).toEqual({ country: 1, province: 63, district: 705, commune: 10_599 });
  });

  it('gives Hà Tĩnh 13 districts and 216 communes, parents first', () => {
    const units = subtree('42')!;
    expect(units[0]).toMatchObject({ code: '42', name: 'Hà Tĩnh', level: 'province', parent: 'VN' });
    expect(units.filter((u) => u.level === 'district').map((u) => u.code)).toEqual(
      ['436', '437', '439', '440', '441', '442', '443', '444', '445', '446', '447', '448', '449'],
    );
    expect(units.filter((u) => u.level === 'commune')).toHaveLength(216);
    expect(units.find((u) => u.code === '18586')).toMatchObject({ name: 'Thạch Kênh', fullName: 'Xã Thạch Kênh', parent: '445' });
    const seen = new Set<string>();
    for (const u of units) {
      if (u.code !== '42') expect(seen.has(u.parent!)).toBe(true);
      seen.add(u.code);
    }
  });

  it('knows no unit by an unknown code', () => {
    expect(subtree('99999')).toBeNull();
  });
});
