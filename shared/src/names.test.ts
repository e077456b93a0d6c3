import { describe, expect, it } from 'vitest';
import { foldDiacritics, indexUnits, matchName, matchUnit, nameKey, normaliseName, parentCodes, splitUnitType, typeOfValue } from './names.js';
import { allCommunes, allDistricts } from './testing/catalog.js';

const districtsOf = (province: string) => allDistricts.filter((d) => d.parent === province);
const communesOf = (province: string) => {
  const codes = new Set(districtsOf(province).map((d) => d.code));
  return allCommunes.filter((c) => codes.has(c.parent!));
};

/** What a match came to, in one comparable string: "18586 name", "ambiguous 447 449", "none unknown-name". */
function outcome(match: ReturnType<typeof matchUnit>): string {
  if (match.kind === 'matched') return `${match.unit.code} ${match.by}`;
  if (match.kind === 'ambiguous') return `ambiguous ${match.candidates.map((u) => u.code).join(' ')}`;
  return `none ${match.reason}${match.candidates.length ? ` ${match.candidates.map((u) => u.code).join(' ')}` : ''}`;
}

describe('normalising names', () => {
  it.each([
    ['\u00D0ức Thọ', 'đức thọ'], // Icelandic Eth for Đ, as some fonts and converters write it
    ['\u00F0ức thọ', 'đức thọ'],
    ['Đức Thọ'.normalize('NFD'), 'đức thọ'],
    ['  Huyện   Can\u00A0Lộc ', 'huyện can lộc'],
    ['Phan Rang - Tháp Chàm', 'phan rang-tháp chàm'],
    ['Cư M\u2019gar', "cư m'gar"],
    ["Ia H' Drai", "ia h'drai"],
  ])('%j is %j', (text, expected) => {
    expect(normaliseName(text)).toBe(expected);
  });

  it.each([
    ['Hoà Lạc', 'Hòa Lạc'], // both tone placements occur in the catalog itself
    ['Lâm Trung Thuỷ', 'Lâm Trung Thủy'],
    ['Phường 01', 'phường 1'],
    ["Ea H' Leo", "Ea H'leo"],
    ['ÐỨC THỌ', 'Đức Thọ'],
  ])('%j and %j have one key', (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it('keeps tones apart: Thạch Hạ is not Thạch Hà', () => {
    expect(nameKey('Thạch Hạ')).not.toBe(nameKey('Thạch Hà'));
    expect(foldDiacritics('Thạch Hạ')).toBe(foldDiacritics('Thach Ha'));
    expect(foldDiacritics('Ðức Thọ')).toBe('duc tho');
    expect(foldDiacritics("Ea H'leo")).toBe('ea hleo');
  });
});

describe('unit type prefixes', () => {
  it.each([
    ['Huyện Thạch Hà', 'huyen', 'thạch hà'],
    ['Thành phố Hà Tĩnh', 'thanh-pho', 'hà tĩnh'],
    ['TP Hà Tĩnh', 'thanh-pho', 'hà tĩnh'],
    ['Tp.Hà Tĩnh', 'thanh-pho', 'hà tĩnh'],
    ['TX Kỳ Anh', 'thi-xa', 'kỳ anh'],
    ['TX. Hồng Lĩnh', 'thi-xa', 'hồng lĩnh'],
    ['Thị xã Hồng Lĩnh', 'thi-xa', 'hồng lĩnh'],
    ['Thị trấn Đức Thọ', 'thi-tran', 'đức thọ'],
    ['TT Thạch Hà', 'thi-tran', 'thạch hà'],
    ['Xã Thạch Kênh', 'xa', 'thạch kênh'],
    ['X.Thạch Kênh', 'xa', 'thạch kênh'],
    ['Phường Trần Phú', 'phuong', 'trần phú'],
    ['P. Trần Phú', 'phuong', 'trần phú'],
    ['Thi tran Duc Tho', 'thi-tran', 'duc tho'],
    ['Huyen Can Loc', 'huyen', 'can loc'],
    ['Quan Hoa', 'quan', 'hoa'], // without diacritics it reads as "Quận Hoa"; matching tries both
    ['Quan Hóa', null, 'quan hóa'], // with them it is the district of Thanh Hóa
    ['Xã', null, 'xã'],
    ['Thạch Kênh', null, 'thạch kênh'],
  ])('%j is %s %j', (text, type, name) => {
    expect(splitUnitType(text)).toEqual({ type, name });
  });
});

describe('matching Hà Tĩnh districts', () => {
  const index = indexUnits(districtsOf('42'));

  it.each<[unknown, string]>([
    ['436', '436 code'],
    [436, '436 code'],
    ['00436', '436 code'],
    ['Thành phố Hà Tĩnh', '436 name'],
    ['TP Hà Tĩnh', '436 name'],
    ['TP. HA TINH', '436 folded'],
    ['TX Hồng Lĩnh', '437 name'],
    ['Hong Linh', '437 folded'],
    ['\u00D0ức Thọ', '440 name'],
    ['Huyện Đức Thọ'.normalize('NFD'), '440 name'],
    ['Duc Tho', '440 folded'],
    ['huyện  can lộc', '443 name'],
    ['Thạch Hà', '445 name'],
    ['Kỳ Anh', 'ambiguous 447 449'], // a huyện and a thị xã of the same name
    ['Huyện Kỳ Anh', '447 name'],
    ['Thị xã Kỳ Anh', '449 name'],
    ['TX Ky Anh', '449 folded'],
    ['Ky Anh', 'ambiguous 447 449'],
    ['Hương Trà', 'none unknown-name'],
    ['Thị trấn Đức Thọ', 'none unknown-name'], // the commune, not the district of that name
    ['', 'none no-value'],
    [null, 'none no-value'],
  ])('%j → %s', (value, expected) => {
    expect(outcome(matchUnit(index, value))).toBe(expected);
  });
});

describe('matching Hà Tĩnh communes', () => {
  const index = indexUnits(communesOf('42'));
  const districtIndex = indexUnits(districtsOf('42'));
  const within = (district: string) => parentCodes(matchUnit(districtIndex, district));

  it.each<[string, string | null, string]>([
    ['Thạch Kênh', null, '18586 name'],
    ['Xã Thạch Kênh', 'Huyện Thạch Hà', '18586 name'],
    ['Thach Kenh', null, '18586 folded'],
    ['Hoà Lạc', null, '18280 name'], // the catalog writes Hòa Lạc
    ['Lâm Trung Thuỷ', null, '18277 name'],
    ['Thạch Hà', null, '18562 name'], // Thị trấn Thạch Hà; Xã Thạch Hạ differs by its tone
    ['Thạch Hạ', null, '18100 name'],
    ['Thach Ha', null, 'ambiguous 18100 18562'], // without diacritics the two meet
    ['Thach Ha', 'Ha Tinh', '18100 folded'],
    ['Thach Ha', 'Thạch Hà', '18562 folded'],
    ['Xa Thach Ha', null, '18100 folded'],
    ['TT Thach Ha', null, '18562 folded'],
    ['Thạch Kênh', 'TP Hà Tĩnh', 'none other-parent 18586'],
    ['Kỳ Phương', 'Kỳ Anh', '18832 name'], // an ambiguous parent still narrows the search
    ['18586', null, '18586 code'],
    ['Thạch Bàn', null, 'none unknown-name'],
  ])('%j in %j → %s', (value, district, expected) => {
    expect(outcome(matchUnit(index, value, district === null ? null : within(district)))).toBe(expected);
  });
});

describe('same names elsewhere in the country', () => {
  it('tells two communes of one name apart by their districts (Hà Nội)', () => {
    const index = indexUnits(communesOf('01'));
    const districtIndex = indexUnits(districtsOf('01'));
    expect(outcome(matchUnit(index, 'Xã Tiền Phong'))).toBe('ambiguous 09019 10222');
    expect(outcome(matchUnit(index, 'Xã Tiền Phong', parentCodes(matchUnit(districtIndex, 'Huyện Mê Linh'))))).toBe('09019 name');
    expect(outcome(matchUnit(index, 'Tien Phong', parentCodes(matchUnit(districtIndex, 'Thuong Tin'))))).toBe('10222 folded');
    expect(outcome(matchUnit(index, 'Tân Minh'))).toBe('ambiguous 00406 10240');
  });

  it('tells a thị trấn from the xã of the same name in one district by the type (Đức Hòa, Long An)', () => {
    const index = indexUnits(communesOf('80'));
    const parents = new Set(['802']);
    expect(outcome(matchUnit(index, 'Thị trấn Hiệp Hòa', parents))).toBe('27934 name');
    expect(outcome(matchUnit(index, 'Xã Hiệp Hoà', parents))).toBe('27952 name');
    expect(outcome(matchUnit(index, 'Hiệp Hòa', parents))).toBe('ambiguous 27934 27952');
  });

  it('reads numbered wards with leading zeros; Quảng Trị has a Phường 1 in two towns', () => {
    const index = indexUnits(communesOf('45'));
    expect(outcome(matchUnit(index, 'Phường 01'))).toBe('ambiguous 19333 19357');
    expect(outcome(matchUnit(index, 'Phường 01', new Set(['461'])))).toBe('19333 name');
    expect(outcome(matchUnit(index, 'P.1', new Set(['461'])))).toBe('19333 name');
  });

  it('reads apostrophes and hyphens however they are written', () => {
    expect(outcome(matchUnit(indexUnits(districtsOf('66')), 'Huyện Cư M\u2019Gar'))).toBe('648 name');
    expect(outcome(matchUnit(indexUnits(districtsOf('66')), "Ea H' Leo"))).toBe('645 name');
    expect(outcome(matchUnit(indexUnits(districtsOf('58')), 'TP Phan Rang - Tháp Chàm'))).toBe('582 name');
  });
});

describe('type columns', () => {
  it.each<[string, 'district' | 'commune', string | null]>([
    ['Huyện', 'district', 'huyen'],
    ['Thị xã', 'district', 'thi-xa'],
    ['THI XA', 'district', 'thi-xa'],
    ['TX.', 'district', 'thi-xa'],
    ['Thành phố', 'district', 'thanh-pho'],
    ['District', 'district', 'huyen'],
    ['Town', 'district', 'thi-xa'], // GADM's English: a thị xã among districts…
    ['Town', 'commune', 'thi-tran'], // …and a thị trấn among communes
    ['City', 'district', 'thanh-pho'],
    ['Ward', 'commune', 'phuong'],
    ['Xã', 'commune', 'xa'],
    ['Hà Tĩnh', 'district', null],
    ['', 'district', null],
  ])('%j among %ss is %s', (value, level, type) => {
    expect(typeOfValue(value, level)).toBe(type);
  });

  it('tells a huyện from the thị xã of the same name, as the name\'s own type does', () => {
    const index = indexUnits(districtsOf('42'));
    expect(outcome(matchName(index, 'Kỳ Anh', null, 'thi-xa'))).toBe('449 name');
    expect(outcome(matchName(index, 'Ky Anh', null, 'huyen'))).toBe('447 folded');
    expect(outcome(matchName(index, 'Kỳ Anh', null, 'xa'))).toBe('ambiguous 447 449'); // no district is a xã: the type says nothing
    expect(outcome(matchName(index, 'Thị xã Hà Tĩnh', null, null))).toBe('436 name'); // a type the unit no longer has
  });

  it('reports a number that is no code as an unknown code, not as an unknown name', () => {
    expect(outcome(matchUnit(indexUnits(districtsOf('42')), '438'))).toBe('none unknown-code');
    expect(outcome(matchUnit(indexUnits(districtsOf('42')), 12))).toBe('none unknown-code');
  });
});
