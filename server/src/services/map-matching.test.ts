/**
 * The matching rules on small shapes placed where Hà Tĩnh's districts are (their points in
 * shared/src/district-points.ts), against the real unit catalog: what a code needs to count,
 * which columns are proposed, how a level is told, and when repeated claims are a conflict.
 */
import { DISTRICT_POINTS, type MapLevel } from '@tiendo/shared';
import { describe, expect, it } from 'vitest';
import { subtree } from '../catalog/catalog.js';
import type { BoundaryFeature, Polygon } from './boundary-file.js';
import { bestColumn, columnsOf, matchFeatures, nameColumns, parentColumn, rankColumns, typeColumn, UnitTree, type MatchColumns } from './map-matching.js';
import { inferLevel, KnownPlaces, place } from './map-places.js';

const tree = new UnitTree(subtree('42')!);
const square = (lon: number, lat: number, half: number): Polygon[] => [[[[lon - half, lat - half], [lon - half, lat + half], [lon + half, lat + half], [lon + half, lat - half], [lon - half, lat - half]]]];
/** A square around a district's representative point, moved by (dLon, dLat) degrees. */
const around = (code: string, properties: Record<string, unknown>, half = 0.01, [dLon, dLat] = [0, 0]): BoundaryFeature => {
  const p = DISTRICT_POINTS.get(code)!;
  return { properties, polygons: square(p.lon + dLon, p.lat + dLat, half) };
};
const districtCodes = tree.at('district').map((d) => d.code);

function match(features: BoundaryFeature[], level: MapLevel, columns: Partial<MatchColumns>, outlines: Map<string, Polygon[]> | null = null) {
  const ctx = { tree, level, places: new KnownPlaces(tree.at('district'), outlines, []), placed: features.map((f) => place(f.polygons)) };
  return matchFeatures(features, ctx, { unit: null, parent: null, type: null, names: [], ...columns }).report;
}
const outcome = (report: ReturnType<typeof match>) => [
  ...report.matched.map((m) => `${m.feature}:${m.unit.code} ${m.by}${m.confirmedBy ? `/${m.confirmedBy}` : ''}`),
  ...report.ambiguous.map((a) => `${a.feature}:? ${a.reason} ${a.candidates.map((c) => c.code).join(' ')}`),
  ...report.unmatched.map((u) => `${u.feature}:- ${u.reason}${u.candidates.length ? ` ${u.candidates.map((c) => c.code).join(' ')}` : ''}`),
].sort((a, b) => parseInt(a) - parseInt(b));

describe('columns', () => {
  it('tells row numbers and a value repeated in every row from codes', () => {
    const rows = districtCodes.map((code, i) => ({
      properties: { id: i + 1, ID_3: 18100 + i, ma: code, padded: `0${code}`, NAME_1: 'Hà Tĩnh', run: String(436 + i) },
      polygons: square(105, 18, 0.1),
    }));
    expect(columnsOf(rows).map((c) => [c.name, c.kind])).toEqual([
      ['id', 'sequential'], ['ID_3', 'sequential'], ['ma', 'values'], ['padded', 'values'], ['NAME_1', 'same'], ['run', 'sequential'],
    ]);
  });

  it('proposes the column naming most distinct units, never a column of one value, of row numbers or of types', () => {
    const features = districtCodes.slice(0, 5).map((code, i) => around(code, {
      NAME_1: 'Hà Tĩnh', ID_2: 436 + i, NAME_2: tree.byCode.get(code)!.name, TYPE_2: 'Huyện',
    }));
    const ctx = { tree, level: 'district' as const, places: new KnownPlaces(tree.at('district'), null, []), placed: features.map((f) => place(f.polygons)) };
    const columns = columnsOf(features);
    const type = typeColumn(features, columns, ctx);
    const names = nameColumns(features, columns, ctx, type);
    const ranked = rankColumns(features, columns, ctx, type, names);
    expect(type).toBe('TYPE_2');
    // The province's name names TP Hà Tĩnh in every row: not a name column, and never the unit column.
    expect(names).toEqual(['NAME_2']);
    expect(ranked.map((p) => [p.name, p.kind, p.matched])).toEqual([
      ['NAME_1', 'same', 1], ['ID_2', 'sequential', 2], ['NAME_2', 'values', 5], ['TYPE_2', 'type', 0],
    ]);
    expect(bestColumn(ranked, features)).toBe('NAME_2');
    expect(bestColumn(ranked.filter((p) => p.name !== 'NAME_2'), features)).toBeNull();
  });

  it('prefers codes to names that name as many units', () => {
    const features = ['436', '437', '439'].map((code) => around(code, { ten: tree.byCode.get(code)!.fullName, ma: code }));
    const ctx = { tree, level: 'district' as const, places: new KnownPlaces(tree.at('district'), null, []), placed: features.map((f) => place(f.polygons)) };
    const columns = columnsOf(features);
    expect(bestColumn(rankColumns(features, columns, ctx, null, nameColumns(features, columns, ctx, null)), features)).toBe('ma');
  });

  it('uses a parent column only when it changes an outcome', () => {
    const unit = (code: string) => tree.byCode.get(code)!;
    // Thạch Hạ (TP Hà Tĩnh) and Thị trấn Thạch Hà (Thạch Hà) meet without diacritics.
    const features = [['18100', '436'], ['18562', '445'], ['18586', '445']].map(([code, district]) => ({
      properties: { ten: code === '18586' ? unit(code).name : 'Thach Ha', huyen: unit(district).fullName, tinh: 'Hà Tĩnh' },
      polygons: square(105.9, 18.3, 0.01),
    }));
    const ctx = { tree, level: 'commune' as const, places: new KnownPlaces(tree.at('district'), null, []), placed: features.map((f) => place(f.polygons)) };
    const columns = columnsOf(features);
    expect(parentColumn(features, columns, ctx, { unit: 'ten', type: null, names: ['ten'] })).toBe('huyen');
    const districts = ['436', '437', '439'].map((code) => around(code, { ten: unit(code).fullName, tinh: 'Hà Tĩnh' }));
    const districtCtx = { ...ctx, level: 'district' as const, placed: districts.map((f) => place(f.polygons)) };
    expect(parentColumn(districts, columnsOf(districts), districtCtx, { unit: 'ten', type: null, names: ['ten'] })).toBeNull();
  });
});

describe('a code counts only when the file confirms it', () => {
  it('by the feature lying where its district is, and no other', () => {
    const features = [
      around('436', { ma: '436' }),
      around('437', { ma: '437' }, 0.01, [3, 0]), // three degrees out to sea
      around('439', { ma: '440' }), // Hương Sơn's place, Đức Thọ's code
      around('444', { ma: '444' }, 0.01, [0.05, 0.05]), // in the province, on no district's point
      { properties: { ma: '445' }, polygons: square(105.89, 18.347, 0.03) }, // holds Thạch Hà's point and TP Hà Tĩnh's
    ];
    expect(outcome(match(features, 'district', { unit: 'ma' }))).toEqual([
      '0:436 code/place',
      '1:- contradicted-code 437',
      '2:- contradicted-code 440',
      '3:? unconfirmed-code 444',
      '4:? unconfirmed-code 445',
    ]);
  });

  it('by a name column naming the same unit; a name naming another unit contradicts it', () => {
    const features = [
      around('436', { id: 436, ten: 'TP Hà Tĩnh' }, 0.01, [3, 0]),
      around('437', { id: 449, ten: 'Kỳ Anh' }, 0.01, [3, 0]), // an ambiguous name still confirms one of its units
      around('439', { id: 437, ten: 'Hương Sơn' }),
      around('440', { id: 440, ten: 'Nam Đàn' }), // a district of Nghệ An: no unit here, so no word either way
    ];
    expect(outcome(match(features, 'district', { unit: 'id', names: ['ten'] }))).toEqual([
      '0:436 code/name',
      '1:449 code/name',
      '2:- contradicted-code 437 439',
      '3:440 code/place',
    ]);
  });

  it('for a commune, by its district outline on an active district map; else not at all without a name', () => {
    const [kenh, khe] = ['18586', '18598'];
    const features = [kenh, khe].map((code) => ({ properties: { ma: code }, polygons: square(105.87, 18.34, 0.005) }));
    expect(outcome(match(features, 'commune', { unit: 'ma' }))).toEqual(['0:? unconfirmed-code 18586', '1:? unconfirmed-code 18598']);
    const outlines = new Map([['445', square(105.87, 18.34, 0.05)], ['436', square(105.93, 18.36, 0.01)]]);
    expect(tree.byCode.get(khe)!.parent).not.toBe('445');
    expect(outcome(match(features, 'commune', { unit: 'ma' }, outlines))).toEqual(['0:18586 code/place', `1:- contradicted-code ${khe}`]);
  });

  it('by a parent column that agrees; one that disagrees contradicts it', () => {
    const features = [{ properties: { ma: '18586', huyen: 'Thạch Hà' }, polygons: square(105.87, 18.34, 0.005) }, { properties: { ma: '18586', huyen: 'Can Lộc' }, polygons: square(105.97, 18.34, 0.005) }];
    expect(outcome(match(features, 'commune', { unit: 'ma', parent: 'huyen' }))).toEqual(['0:? unconfirmed-code 18586', '1:- contradicted-code 18586']);
  });
});

describe('names', () => {
  it('tells units of one name apart by the name\'s type or a type column, and reports the rest', () => {
    const features = [
      around('447', { ten: 'Huyện Kỳ Anh', loai: 'Huyện' }),
      around('449', { ten: 'Kỳ Anh', loai: 'Thị xã' }),
      around('447', { ten: 'Kỳ Anh', loai: 'District' }, 0.01, [0, 0.1]),
      around('449', { ten: 'Kỳ Anh', loai: '' }, 0.01, [0, -0.1]),
    ];
    expect(outcome(match(features, 'district', { unit: 'ten' }))).toEqual(['0:447 name', '1:? same-name 447 449', '2:? same-name 447 449', '3:? same-name 447 449']);
    const typed = match(features, 'district', { unit: 'ten', type: 'loai' });
    expect(typed.conflicts.map((c) => [c.unit.code, c.claims.map((x) => x.feature)])).toEqual([['447', [0, 2]]]);
    expect(outcome(typed)).toEqual(['1:449 name', '3:? same-name 447 449']);
  });

  it('says why a feature is no unit: no column, an empty cell, an unknown code or name', () => {
    const features = [{ ten: '' }, { ten: 12 }, { ten: 'Huyện Hương Trà' }, { ten: 'Thạch Kênh' }].map((properties, i) => ({ properties, polygons: square(105 + i, 18, 0.01) }));
    expect(outcome(match(features, 'district', { unit: 'ten' }))).toEqual(['0:- no-value', '1:- unknown-code', '2:- unknown-name', '3:- unknown-name']);
    expect(outcome(match(features.slice(0, 1), 'district', {}))).toEqual(['0:- no-column']);
  });
});

describe('several features claiming one unit', () => {
  const ten = (code: string) => ({ ten: tree.byCode.get(code)!.fullName });

  it('merges an islet apart from the main part, and reports anything else as a conflict: none of them is used', () => {
    const features = [
      around('442', ten('442'), 0.02),
      around('442', ten('442'), 0.003, [0.04, 0]), // an islet off the coast
      around('446', ten('446'), 0.02),
      around('446', ten('446'), 0.02, [0, -0.2]), // a polygon as large, labelled the same
      around('439', ten('439'), 0.02),
      { properties: ten('439'), polygons: [[[[105.326, 18.458], [105.326, 18.498], [105.33, 18.498], [105.33, 18.458], [105.326, 18.458]]]] as Polygon[] }, // a small neighbour sharing its border
      around('445', ten('445'), 0.02),
      around('436', ten('445'), 0.005), // small and apart, but where TP Hà Tĩnh is: its polygon, mislabelled
    ];
    const report = match(features, 'district', { unit: 'ten' });
    expect(report.merged).toEqual([{ unit: '442', features: [0, 1] }]);
    expect(report.conflicts.map((c) => [c.unit.code, c.reason, c.claims.map((x) => x.feature)])).toEqual([
      ['439', 'duplicate', [4, 5]], ['445', 'duplicate', [6, 7]], ['446', 'duplicate', [2, 3]],
    ]);
    expect(report.matched.map((m) => m.unit.code)).toEqual(['442', '442']);
    expect(report.missing.filter((m) => m.reason === 'conflict').map((m) => m.code)).toEqual(['439', '445', '446']);
  });
});

describe('the level of a file', () => {
  const counts = { district: { deployment: 13, country: 705 }, commune: { deployment: 216, country: 10_599 } };
  const files = (n: number, km2: number) => Array.from({ length: n }, () => ({ point: [105, 18] as [number, number], box: [0, 0, 0, 0] as [number, number, number, number], areaKm2: km2 }));

  it.each([
    ['the districts of a province', 11, 400, 'district', 'district', 'district'],
    ['the communes of a province', 216, 30, 'commune', 'commune', 'commune'],
    ['the districts of the country', 705, 450, 'district', 'district', 'district'],
    ['one district\'s communes: as many as districts, as small as communes', 22, 25, 'district', 'commune', null],
    ['a third of the province\'s communes: the number tells nothing', 60, 30, null, 'commune', 'commune'],
  ] as const)('%s', (_name, n, km2, byCount, byArea, level) => {
    expect(inferLevel(files(n, km2), ['district', 'commune'], counts)).toMatchObject({ byCount, byArea, level });
  });

  it('is the only level a deployment has', () => {
    expect(inferLevel(files(11, 400), ['commune'], counts).level).toBe('commune');
  });
});
