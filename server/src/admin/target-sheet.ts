/**
 * Reading a sheet of targets: one row per commune, by code or by name (matched as boundary
 * names are), a column of targets under a header such as "Chỉ tiêu", perhaps below a title
 * row, perhaps one sheet per district. Totals and district subtotals are checked against the
 * communes' rows, never counted. Every row that cannot be read is reported with its reason.
 */
import { foldDiacritics, indexUnits, matchUnit, parentCodes, type TargetImportPreview, type UnitInfo } from '@tiendo/shared';
import { cellCount, cellText, type Cell, type Sheet } from './sheet.js';

const HEADER_ROWS = 15;
const CODE_HEADER = /^(ma|code|ma don vi|ma dvhc|ma xa|ma so)\b/;
const NAME_HEADER = /(ten|don vi|xa|phuong|unit|name)/;
const PARENT_HEADER = /^(huyen|quan|thi xa|thanh pho|district|don vi cap huyen)/;
const TARGET_HEADER = /(chi tieu|target|so phai thu|doi tuong)/;
const TOTAL_ROW = /^(tong|cong|tong cong|toan tinh|total)\b/;

export interface TargetColumns {
  code: number | null;
  name: number | null;
  parent: number | null;
  target: number;
}

export interface ReadTargets {
  rows: { row: string; unit: UnitInfo; target: number; by: 'code' | 'name' }[];
  problems: TargetImportPreview['problems'];
  /** Why no sheet could be read at all, if none could. */
  unreadable: string | null;
}

const folded = (cell: Cell) => foldDiacritics(cellText(cell));

/** Finds the header row and the columns, or says why it cannot. */
function findColumns(sheet: Sheet, column: string | null, metricNames: string[]): { header: number; columns: TargetColumns } | string {
  for (let r = 0; r < Math.min(HEADER_ROWS, sheet.rows.length); r++) {
    const headers = sheet.rows[r].map(folded);
    const targets = headers.flatMap((h, i) => (h && (column ? h === foldDiacritics(column) : TARGET_HEADER.test(h)) ? [i] : []));
    const code = headers.findIndex((h) => CODE_HEADER.test(h));
    const name = headers.findIndex((h, i) => i !== code && NAME_HEADER.test(h) && !TARGET_HEADER.test(h) && !PARENT_HEADER.test(h));
    if (!targets.length || (code < 0 && name < 0)) continue;
    let target = targets[0];
    if (targets.length > 1) {
      const named = targets.filter((i) => metricNames.some((m) => headers[i].includes(foldDiacritics(m))));
      if (named.length !== 1) {
        return `sheet "${sheet.name}" row ${r + 1}: several target columns (${targets.map((i) => `"${cellText(sheet.rows[r][i])}"`).join(', ')}); choose one with column=`;
      }
      target = named[0];
    }
    const parent = headers.findIndex((h) => PARENT_HEADER.test(h));
    return { header: r, columns: { code: code >= 0 ? code : null, name: name >= 0 ? name : null, parent: parent >= 0 ? parent : null, target } };
  }
  return column
    ? `sheet "${sheet.name}": no column headed "${column}" beside a unit code or name column in the first ${HEADER_ROWS} rows`
    : `sheet "${sheet.name}": no header row with a target column ("Chỉ tiêu") and a unit column ("Mã", "Tên đơn vị") in the first ${HEADER_ROWS} rows`;
}

/** `units`: the campaign's units; targets are read for its communes, subtotals checked. */
export function readTargetSheets(sheets: Sheet[], units: readonly UnitInfo[], column: string | null, metricNames: string[]): ReadTargets {
  const communes = units.filter((u) => u.level === 'commune');
  const upper = units.filter((u) => u.level !== 'commune');
  const communeIndex = indexUnits(communes);
  const upperIndex = indexUnits(upper);
  const out: ReadTargets = { rows: [], problems: [], unreadable: null };
  const headerless: string[] = [];
  const subtotals: { row: string; unit: UnitInfo | null; value: number }[] = [];
  const seen = new Map<string, string>();
  const multi = sheets.length > 1;

  for (const sheet of sheets) {
    const found = findColumns(sheet, column, metricNames);
    if (typeof found === 'string') {
      // A sheet of notes beside the data is no problem when another sheet has the targets.
      headerless.push(found);
      continue;
    }
    const { header, columns } = found;
    for (let r = header + 1; r < sheet.rows.length; r++) {
      const cells = sheet.rows[r] ?? [];
      const label = multi ? `${sheet.name}!${r + 1}` : String(r + 1);
      const code = columns.code === null ? '' : cellText(cells[columns.code] ?? null);
      const name = columns.name === null ? '' : cellText(cells[columns.name] ?? null);
      const raw = cells[columns.target] ?? null;
      if (!code && !name && raw === null) continue;
      const rowNumber = r + 1;
      const value = cellCount(raw);
      if (TOTAL_ROW.test(foldDiacritics(name || code))) {
        if (typeof value === 'number') subtotals.push({ row: label, unit: null, value });
        continue;
      }
      const parentText = columns.parent === null ? '' : cellText(cells[columns.parent] ?? null);
      const parents = parentText ? parentCodes(matchUnit(upperIndex, parentText)) : null;
      let match = matchUnit(communeIndex, code || name, parents);
      if (match.kind === 'none' && code && name) match = matchUnit(communeIndex, name, parents);
      if (match.kind !== 'matched') {
        const higher = matchUnit(upperIndex, code || name);
        if (higher.kind === 'matched') {
          if (typeof value === 'number') subtotals.push({ row: label, unit: higher.unit, value });
          continue;
        }
      }
      const where = `row ${label}`;
      if (match.kind === 'ambiguous') {
        out.problems.push({
          row: rowNumber, message: `${where}: "${name || code}" fits ${match.candidates.length} communes; add the district or the code`,
          candidates: match.candidates.map((u) => ({ code: u.code, name: u.fullName })),
        });
        continue;
      }
      if (match.kind === 'none') {
        out.problems.push({
          row: rowNumber,
          message: match.reason === 'other-parent'
            ? `${where}: no commune "${name || code}" in ${parentText}`
            : `${where}: no commune of this campaign is ${code ? `coded "${code}"` : `named "${name}"`}`,
          ...(match.candidates.length ? { candidates: match.candidates.map((u) => ({ code: u.code, name: u.fullName })) } : {}),
        });
        continue;
      }
      if (typeof value === 'string') {
        out.problems.push({ row: rowNumber, message: `${where}, column "${cellText(sheet.rows[header][columns.target] ?? null)}": ${value}` });
        continue;
      }
      const earlier = seen.get(match.unit.code);
      if (earlier) {
        out.problems.push({ row: rowNumber, message: `${where}: ${match.unit.fullName} is already on row ${earlier}` });
        continue;
      }
      seen.set(match.unit.code, label);
      out.rows.push({ row: label, unit: match.unit, target: value, by: match.by === 'code' ? 'code' : 'name' });
    }
  }

  if (headerless.length === sheets.length) out.unreadable = headerless.join('; ');

  // Totals are checked against the communes read, never counted.
  const byCode = new Map(units.map((u) => [u.code, u]));
  const within = (code: string, scope: string) => {
    for (let u = byCode.get(code); u; u = u.parent ? byCode.get(u.parent) : undefined) if (u.code === scope) return true;
    return false;
  };
  for (const s of subtotals) {
    const sum = out.rows.filter((r) => !s.unit || within(r.unit.code, s.unit.code)).reduce((a, r) => a + r.target, 0);
    if (sum !== s.value) {
      out.problems.push({ row: Number(s.row.split('!').at(-1)), message: `row ${s.row}: the ${s.unit ? `subtotal of ${s.unit.fullName}` : 'total'} says ${s.value}, the communes read sum to ${sum}` });
    }
  }
  return out;
}
