/**
 * The rows of an office sheet that name units, for every sheet read here (targets, counts): the
 * header words of the unit columns, a row's commune found by code or by name (matched as
 * boundary names are, within the district a parent column names), and the rows that are totals
 * or a district's subtotal, which are checked against the communes read, never counted.
 */
import { foldDiacritics, indexUnits, matchUnit, parentCodes, splitUnitType, type UnitIndex, type UnitInfo } from '@tiendo/shared';
import { cellText, type Cell, type Sheet } from './sheet.js';

/** How far down a header row is looked for, below titles and notes. */
export const HEADER_ROWS = 15;
const CODE_HEADER = /^(ma|code|ma don vi|ma dvhc|ma xa|ma so)\b/;
const NAME_HEADER = /(ten|don vi|xa|phuong|unit|name)/;
const PARENT_HEADER = /^(huyen|quan|thi xa|thanh pho|district|don vi cap huyen)/;
const TOTAL_ROW = /^(tong|cong|tong cong|toan tinh|toan huyen|total)\b/;

/** A cell as text compared without diacritics or case. */
export const folded = (cell: Cell | undefined) => foldDiacritics(cellText(cell ?? null));

export interface UnitColumns {
  code: number | null;
  name: number | null;
  parent: number | null;
}

/**
 * The unit columns of a header row (its cells folded), or null when it names none. `other`
 * tells the columns of figures, whose headers may hold a unit word ("Chỉ tiêu của xã").
 */
export function unitColumns(headers: string[], other: (header: string) => boolean): UnitColumns | null {
  const code = headers.findIndex((h) => CODE_HEADER.test(h));
  const name = headers.findIndex((h, i) => i !== code && NAME_HEADER.test(h) && !other(h) && !PARENT_HEADER.test(h));
  if (code < 0 && name < 0) return null;
  const parent = headers.findIndex((h) => PARENT_HEADER.test(h));
  return { code: code >= 0 ? code : null, name: name >= 0 ? name : null, parent: parent >= 0 ? parent : null };
}

/** A row's label in messages: its number, with its sheet's name when the workbook has several. */
export function rowLabel(sheet: Sheet, index: number, multi: boolean): string {
  return multi ? `${sheet.name}!${index + 1}` : String(index + 1);
}

export type RowUnit =
  | { kind: 'blank' }
  | { kind: 'commune'; unit: UnitInfo; by: 'code' | 'name' }
  /** A total (unit null: of its sheet) or a higher unit's subtotal. */
  | { kind: 'total'; unit: UnitInfo | null }
  | { kind: 'problem'; message: string; candidates?: { code: string; name: string }[] };

/** A total or subtotal row's figure in one column, to be checked. */
export interface TotalLine {
  row: string;
  sheet: string;
  unit: UnitInfo | null;
  /** Which figures it sums: lines of the same key. */
  key: string;
  /** The column, for messages; empty for a sheet of one column of figures. */
  column: string;
  value: number;
}

/** A commune's figure in one column, which totals sum. */
export interface CommuneLine {
  sheet: string;
  unit: UnitInfo;
  key: string;
  value: number;
}

export class UnitRows {
  private readonly communes: UnitIndex;
  private readonly upper: UnitIndex;
  private readonly byCode: Map<string, UnitInfo>;
  private readonly seen = new Map<string, string>();

  /** `units`: the campaign's units; rows are matched to its communes, subtotals to the others. */
  constructor(units: readonly UnitInfo[]) {
    this.communes = indexUnits(units.filter((u) => u.level === 'commune'));
    this.upper = indexUnits(units.filter((u) => u.level !== 'commune'));
    this.byCode = new Map(units.map((u) => [u.code, u]));
  }

  /**
   * The unit a data row names, through its code, name and parent cells. `where`: "row 14".
   * `sheetParents`: the district a sheet is named after, which tells namesakes apart when the
   * row has no parent cell.
   */
  match(where: string, cells: Cell[], columns: UnitColumns, sheetParents: ReadonlySet<string> | null = null): RowUnit {
    const at = (i: number | null) => (i === null ? '' : cellText(cells[i] ?? null));
    const code = at(columns.code);
    const name = at(columns.name);
    if (!code && !name) return { kind: 'blank' };
    if (TOTAL_ROW.test(foldDiacritics(name || code))) return { kind: 'total', unit: null };
    const parentText = at(columns.parent);
    const parents = parentText ? parentCodes(matchUnit(this.upper, parentText)) : null;
    let match = matchUnit(this.communes, code || name, parents);
    if (match.kind === 'none' && code && name) match = matchUnit(this.communes, name, parents);
    if (match.kind === 'ambiguous' && !parents && sheetParents) {
      const within = matchUnit(this.communes, code || name, sheetParents);
      if (within.kind === 'matched') match = within;
    }
    // A higher unit's name is its subtotal; when the name also fits communes, only if it says its type ("Huyện Thạch Hà").
    if (match.kind === 'none' || (match.kind === 'ambiguous' && splitUnitType(name || code).type !== null)) {
      const higher = matchUnit(this.upper, code || name);
      if (higher.kind === 'matched') return { kind: 'total', unit: higher.unit };
    }
    if (match.kind === 'ambiguous') {
      return {
        kind: 'problem', message: `${where}: "${name || code}" fits ${match.candidates.length} communes; add the district or the code`,
        candidates: match.candidates.map((u) => ({ code: u.code, name: u.fullName })),
      };
    }
    if (match.kind === 'none') {
      return {
        kind: 'problem',
        message: match.reason === 'other-parent'
          ? `${where}: no commune "${name || code}" in ${parentText}`
          : `${where}: no commune of this campaign is ${code ? `coded "${code}"` : `named "${name}"`}`,
        ...(match.candidates.length ? { candidates: match.candidates.map((u) => ({ code: u.code, name: u.fullName })) } : {}),
      };
    }
    return { kind: 'commune', unit: match.unit, by: match.by === 'code' ? 'code' : 'name' };
  }

  /** The higher unit a sheet's name names ("Thạch Hà", "Huyện Can Lộc"), as parents, or null. */
  parentsNamed(sheetName: string): Set<string> | null {
    const match = matchUnit(this.upper, sheetName);
    return match.kind === 'matched' ? new Set([match.unit.code]) : null;
  }

  /** Records that a row gave this commune; returns the row that gave it before, if one did. */
  claim(unit: UnitInfo, label: string): string | null {
    const earlier = this.seen.get(unit.code);
    if (earlier) return earlier;
    this.seen.set(unit.code, label);
    return null;
  }

  within(code: string, scope: string): boolean {
    for (let u = this.byCode.get(code); u; u = u.parent ? this.byCode.get(u.parent) : undefined) if (u.code === scope) return true;
    return false;
  }

  /**
   * Each total against the communes it covers, column by column: a sheet's total sums the
   * communes of its own sheet, a district's subtotal those of the district wherever they are.
   */
  checkTotals(totals: TotalLine[], lines: CommuneLine[]): { row: string; column?: string; message: string }[] {
    const problems: { row: string; column?: string; message: string }[] = [];
    for (const t of totals) {
      const sum = lines
        .filter((l) => l.key === t.key && (t.unit ? this.within(l.unit.code, t.unit.code) : l.sheet === t.sheet))
        .reduce((a, l) => a + l.value, 0);
      if (sum !== t.value) {
        const what = t.unit ? `subtotal of ${t.unit.fullName}` : 'total';
        problems.push({
          row: t.row, ...(t.column ? { column: t.column } : {}),
          message: `row ${t.row}${t.column ? `, column ${t.column}` : ''}: the ${what} says ${t.value}, the communes read sum to ${sum}`,
        });
      }
    }
    return problems;
  }
}
