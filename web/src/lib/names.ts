/** Short unit names for tight rows: the type abbreviated as officials write it. */
import type { UnitInfo } from '@tiendo/shared';

const PREFIX: Record<string, string> = {
  'Thành phố': 'TP',
  'Thị xã': 'TX',
  'Phường': 'P.',
  'Thị trấn': 'TT',
};

/** "TX Kỳ Anh" and "Kỳ Anh" stay apart; a district or commune (Huyện, Xã) needs no prefix. */
export function shortName(unit: Pick<UnitInfo, 'name' | 'type'>): string {
  const prefix = PREFIX[unit.type];
  return prefix ? `${prefix} ${unit.name}` : unit.name;
}
