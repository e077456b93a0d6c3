import { describe, expect, it } from 'vitest';
import { EXCLUDED, resolveReport, type MapUnitRef, type MatchReport } from './maps.js';

const unit = (code: string): MapUnitRef => ({ code, name: `Huyện ${code}`, parent: 'Tỉnh Hà Tĩnh' });
const units = ['436', '437', '439', '440', '447', '449'].map(unit);

/** A district file: 0 → 436 by name, 1 and 2 claim 437 (a conflict), 3 "Kỳ Anh" ambiguous, 4 no unit. */
const report: MatchReport = {
  level: 'district', property: 'ten', parentProperty: null, typeProperty: null, features: 5, units: units.length,
  matched: [{ feature: 0, value: 'TP Hà Tĩnh', unit: unit('436'), by: 'name' }],
  ambiguous: [{ feature: 3, value: 'Kỳ Anh', parentValue: null, reason: 'same-name', candidates: [unit('447'), unit('449')] }],
  unmatched: [{ feature: 4, value: 'Hương Trà', parentValue: null, reason: 'unknown-name', candidates: [] }],
  conflicts: [{ unit: unit('437'), reason: 'duplicate', claims: [{ feature: 1, value: 'Hồng Lĩnh', by: 'name' }, { feature: 2, value: 'Hồng Lĩnh', by: 'name' }] }],
  excluded: [], missing: [], merged: [],
  outside: { features: [0, 4], matched: [], distanceKm: 300, extent: [105, 17.7, 106.7, 18.9] },
};
const decided = (overrides: [number, string][]) => resolveReport(report, new Map(overrides), units);
const summary = (r: MatchReport) => ({
  matched: r.matched.map((m) => `${m.feature}:${m.unit.code}:${m.by}`),
  conflicts: r.conflicts.map((c) => `${c.unit.code}:${c.reason}:${c.claims.map((x) => x.feature).join()}`),
  missing: r.missing.map((m) => `${m.code}:${m.reason}`),
  excluded: r.excluded,
});

describe('decisions on a match report', () => {
  it('without any, says which units are missing and why', () => {
    expect(summary(decided([]))).toEqual({
      matched: ['0:436:name'], conflicts: ['437:duplicate:1,2'], missing: ['437:conflict', '439:no-feature', '440:no-feature', '447:ambiguous', '449:ambiguous'], excluded: [],
    });
    expect(decided([]).outside!.matched).toEqual([0]);
  });

  it('a unit picked for an ambiguous feature; a conflict resolved by leaving one feature out', () => {
    const r = decided([[3, '449'], [2, EXCLUDED]]);
    expect(summary(r)).toEqual({
      matched: ['0:436:name', '1:437:name', '3:449:hand'], conflicts: [], missing: ['439:no-feature', '440:no-feature', '447:no-feature'], excluded: [2],
    });
    expect(r.ambiguous).toEqual([]);
  });

  it('a unit given by hand to a feature makes the file\'s own claims on it a conflict', () => {
    const r = decided([[4, '436']]);
    expect(summary(r).matched).toEqual(['4:436:hand']);
    expect(summary(r).conflicts).toEqual(['436:claimed-by-hand:0', '437:duplicate:1,2']);
    expect(r.unmatched).toEqual([]);
  });

  it('several features given one unit by hand are its parts', () => {
    const r = decided([[1, '440'], [2, '440']]);
    expect(r.merged).toEqual([{ unit: '440', features: [1, 2] }]);
    expect(r.conflicts).toEqual([]);
    expect(summary(r).missing).toEqual(['437:no-feature', '439:no-feature', '447:ambiguous', '449:ambiguous']);
  });

  it('a matched feature left out leaves its unit missing', () => {
    expect(summary(decided([[0, EXCLUDED]]))).toMatchObject({ matched: [], excluded: [0], missing: expect.arrayContaining(['436:no-feature']) });
  });
});
