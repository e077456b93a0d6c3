/** Short unit names for tight rows: the type abbreviated as officials write it. */
import type { UnitInfo } from '@tiendo/shared';

/** Read from the full name, which says the type in words whatever code the catalog uses for it. */
const PREFIXES: readonly [string, string][] = [
  ['Thành phố ', 'TP'],
  ['Thị xã ', 'TX'],
  ['Phường ', 'P.'],
  ['Thị trấn ', 'TT'],
];

/** "TX Kỳ Anh" and "Kỳ Anh" stay apart; a district or commune (Huyện, Xã) needs no prefix. */
export function shortName(unit: Pick<UnitInfo, 'name' | 'fullName'>): string {
  const prefix = PREFIXES.find(([words]) => unit.fullName.startsWith(words));
  return prefix ? `${prefix[1]} ${unit.name}` : unit.name;
}
