/**
 * Reading a sheet of targets: one row per commune, by code or by name (matched as boundary
 * names are), a column of targets under a header such as "Chỉ tiêu", perhaps below a title
 * row, perhaps one sheet per district. Totals and district subtotals are checked against the
 * communes' rows, never counted. Every row that cannot be read is reported with its reason.
 */
import { foldDiacritics, type TargetImportPreview, type UnitInfo } from '@tiendo/shared';
import { cellCount, cellText, type Sheet } from './sheet.js';
import { folded, HEADER_ROWS, rowLabel, unitColumns, UnitRows, type CommuneLine, type TotalLine, type UnitColumns } from './sheet-units.js';

const TARGET_HEADER = /(chi tieu|target|so phai thu|doi tuong)/;

export interface TargetColumns extends UnitColumns {
  target: number;
}

export interface ReadTargets {
  rows: { row: string; unit: UnitInfo; target: number; by: 'code' | 'name' }[];
  problems: TargetImportPreview['problems'];
  /** Why no sheet could be read at all, if none could. */
  unreadable: string | null;
}

/** Finds the header row and the columns, or says why it cannot. */
function findColumns(sheet: Sheet, column: string | null, metricNames: string[]): { header: number; columns: TargetColumns } | string {
  for (let r = 0; r < Math.min(HEADER_ROWS, sheet.rows.length); r++) {
    const headers = sheet.rows[r].map(folded);
    const targets = headers.flatMap((h, i) => (h && (column ? h === foldDiacritics(column) : TARGET_HEADER.test(h)) ? [i] : []));
    const units = unitColumns(headers, (h) => TARGET_HEADER.test(h));
    if (!targets.length || !units) continue;
    let target = targets[0];
    if (targets.length > 1) {
      const named = targets.filter((i) => metricNames.some((m) => headers[i].includes(foldDiacritics(m))));
      if (named.length !== 1) {
        return `sheet "${sheet.name}" row ${r + 1}: several target columns (${targets.map((i) => `"${cellText(sheet.rows[r][i])}"`).join(', ')}); choose one with column=`;
      }
      target = named[0];
    }
    return { header: r, columns: { ...units, target } };
  }
  return column
    ? `sheet "${sheet.name}": no column headed "${column}" beside a unit code or name column in the first ${HEADER_ROWS} rows`
    : `sheet "${sheet.name}": no header row with a target column ("Chỉ tiêu") and a unit column ("Mã", "Tên đơn vị") in the first ${HEADER_ROWS} rows`;
}

/** `units`: the campaign's units; targets are read for its communes, subtotals checked. */
export function readTargetSheets(sheets: Sheet[], units: readonly UnitInfo[], column: string | null, metricNames: string[]): ReadTargets {
  const rows = new UnitRows(units);
  const out: ReadTargets = { rows: [], problems: [], unreadable: null };
  const headerless: string[] = [];
  const totals: TotalLine[] = [];
  const lines: CommuneLine[] = [];
  const multi = sheets.length > 1;

  for (const sheet of sheets) {
    const found = findColumns(sheet, column, metricNames);
    if (typeof found === 'string') {
      // A sheet of notes beside the data is no problem when another sheet has the targets.
      headerless.push(found);
      continue;
    }
    const { header, columns } = found;
    const sheetParents = rows.parentsNamed(sheet.name);
    for (let r = header + 1; r < sheet.rows.length; r++) {
      const cells = sheet.rows[r] ?? [];
      const label = rowLabel(sheet, r, multi);
      const where = `row ${label}`;
      const raw = cells[columns.target] ?? null;
      const value = cellCount(raw);
      const match = rows.match(where, cells, columns, sheetParents);
      if (match.kind === 'blank') {
        if (raw !== null) out.problems.push({ row: r + 1, message: `${where}: a target without a commune's code or name` });
        continue;
      }
      if (match.kind === 'total') {
        if (typeof value === 'number') totals.push({ row: label, sheet: sheet.name, unit: match.unit, key: '', column: '', value });
        continue;
      }
      if (match.kind === 'problem') {
        out.problems.push({ row: r + 1, message: match.message, ...(match.candidates ? { candidates: match.candidates } : {}) });
        continue;
      }
      if (typeof value === 'string') {
        out.problems.push({ row: r + 1, message: `${where}, column "${cellText(sheet.rows[header][columns.target] ?? null)}": ${value}` });
        continue;
      }
      const earlier = rows.claim(match.unit, label);
      if (earlier) {
        out.problems.push({ row: r + 1, message: `${where}: ${match.unit.fullName} is already on row ${earlier}` });
        continue;
      }
      out.rows.push({ row: label, unit: match.unit, target: value, by: match.by });
      lines.push({ sheet: sheet.name, unit: match.unit, key: '', value });
    }
  }

  if (headerless.length === sheets.length) out.unreadable = headerless.join('; ');
  for (const p of rows.checkTotals(totals, lines)) out.problems.push({ row: Number(p.row.split('!').at(-1)), message: p.message });
  return out;
}
