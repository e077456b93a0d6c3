/**
 * Reading the daily sheet of counts as offices keep it: one row per commune, by code or by name;
 * one column per metric holding the day's count ("Trong ngày") or the total so far ("Lũy kế"),
 * under Vietnamese headers that may be spread over merged cells ("Thu nhận CCCD" over "Trong
 * ngày" | "Lũy kế"); a title row that usually names the day; a totals row, checked and never
 * counted; sometimes one sheet per district. Nothing here knows the database: the figures read
 * are judged against the stored values by the import service.
 */
import { isIsoDate, type CountColumn, type CountImportProblem, type CountKind, type MetricInfo, type UnitInfo } from '@tiendo/shared';
import { cellCount, cellText, type Cell, type Sheet } from '../admin/sheet.js';
import { folded, HEADER_ROWS, rowLabel, unitColumns, UnitRows, type CommuneLine, type TotalLine, type UnitColumns } from '../admin/sheet-units.js';

/** Columns beside the counts that are not counts: targets, rates, remarks, numbering. */
const NOT_COUNTS = /^(stt|tt|so tt)$|chi tieu|ty le|%|con lai|ghi chu|dan so|ke hoach|so phai|doi tuong|xep hang|thu tu/;
const TOTAL_WORDS = /\b(luy ke|tong so|cong don|tich luy|den nay|tu dau)\b/;
const DAY_WORDS = /\b(trong ngay|hom nay|ngay nay|trong ky|phat sinh|so moi)\b/;
/** Words that say nothing about which metric a column counts. */
const NOISE = new Set([
  'so', 'luong', 'nguoi', 'ho', 'luot', 'da', 'duoc', 'ket', 'qua', 'tai', 'khoan', 'gan', 'chip', 'cua', 'cac', 'va',
  'trong', 'ngay', 'hom', 'nay', 'luy', 'ke', 'tong', 'cong', 'don', 'tich', 'den', 'tu', 'dau', 'phat', 'sinh', 'ky', 'moi',
]);
/** Abbreviations officials write for the metrics' words. */
const ABBREVIATIONS: Record<string, string[]> = {
  cccd: ['can', 'cuoc', 'cong', 'dan'],
  dddt: ['dinh', 'danh', 'dien', 'tu'],
};
/** Documents cited in titles ("theo Điện 16/HT ngày 21/3/2023") give dates that are not the sheet's. */
const DOCUMENT_WORDS = /\b(dien|cong van|ke hoach|quyet dinh|chi thi|thong tu|nghi quyet|van ban)\s+(so\s+)?\d/;

export interface CountFigure {
  row: string;
  /** The column's letter. */
  column: string;
  header: string;
  unit: UnitInfo;
  by: 'code' | 'name';
  metric: string;
  kind: CountKind;
  figure: number;
}

export interface ReadCounts {
  columns: CountColumn[];
  figures: CountFigure[];
  problems: CountImportProblem[];
  warnings: CountImportProblem[];
  /** The days the titles (the rows above the headers, and the sheets' names) name, each once. */
  dates: string[];
  /** Why no sheet could be read at all, if none could. */
  unreadable: string | null;
}

/** Excel's name of a column: 0 is A, 26 is AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Lower case without diacritics, punctuation kept: what dates and document numbers are read from. */
function plain(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/** The days a title names: 12/5/2023, 12-05-2023, 12.5.2023, "ngày 12 tháng 5 năm 2023", 2023-05-12. */
export function datesIn(text: string): string[] {
  const t = plain(text);
  const pattern = /(\d{4})-(\d{2})-(\d{2})|(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})|ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})/g;
  const found: string[] = [];
  let previousEnd = 0;
  for (const m of t.matchAll(pattern)) {
    const before = t.slice(previousEnd, m.index);
    previousEnd = m.index + m[0].length;
    if (DOCUMENT_WORDS.test(before)) continue;
    const [y, mo, d] = m[1] ? [m[1], m[2], m[3]] : m[4] ? [m[6], m[5], m[4]] : [m[9], m[8], m[7]];
    const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
    if (isIsoDate(iso) && !found.includes(iso)) found.push(iso);
  }
  return found;
}

/** The words a metric is known by, abbreviations spelt out. */
function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of plain(text).split(/[^a-z0-9]+/)) {
    if (!w) continue;
    out.add(w);
    for (const e of ABBREVIATIONS[w] ?? []) out.add(e);
  }
  return out;
}

interface HeaderBlock {
  top: number;
  bottom: number;
  units: UnitColumns;
  columns: (CountColumn & { index: number })[];
  problems: CountImportProblem[];
}

/** Texts of a cell at each header row, group first, blank and repeated ones left out. */
function headerTexts(rows: Cell[][], top: number, bottom: number, column: number, firstFigure: number): string[] {
  const texts: string[] = [];
  for (let r = top; r <= bottom; r++) {
    let c = column;
    // A group header written once over several columns (a CSV's way of merging) covers the blanks to its right.
    while (r < bottom && c > firstFigure && !cellText(rows[r]?.[c] ?? null)) c--;
    const text = cellText(rows[r]?.[c] ?? null);
    if (text && texts.at(-1) !== text) texts.push(text);
  }
  return texts;
}

/** A row under the header row that is still header: sub-headers ("Trong ngày", "Lũy kế") and no figures. */
function isSubHeader(row: Cell[], above: Cell[], unitIndexes: number[]): boolean {
  if (!unitIndexes.every((i) => !cellText(row[i] ?? null) || cellText(row[i] ?? null) === cellText(above[i] ?? null))) return false;
  const others = row.filter((c, i) => !unitIndexes.includes(i) && cellText(c ?? null));
  return others.length > 0 && others.every((c) => typeof c === 'string' && typeof cellCount(c) === 'string');
}

/** A row numbering the columns ("(1) (2) (3)…", "A B 1 2…") between the headers and the data. */
function isNumbering(row: Cell[]): boolean {
  const cells = row.map((c) => cellText(c ?? null)).filter(Boolean);
  return cells.length >= 3 && cells.every((c) => /^\(?(\d{1,2}|[A-Za-z])\)?$/.test(c));
}

export class CountSheetReader {
  private readonly metricWords: { key: string; words: Set<string> }[];

  /**
   * `units`: the campaign's units; `metrics`: its metrics; `defaultKind`: what a column of a
   * metric holds when its header does not say (null: such a column is a problem).
   */
  constructor(
    private readonly units: readonly UnitInfo[],
    private readonly metrics: readonly MetricInfo[],
    private readonly defaultKind: CountKind | null,
  ) {
    this.metricWords = metrics.map((m) => ({
      key: m.key,
      words: new Set([...words(m.name), ...words(m.shortName ?? ''), ...words(m.key.replace(/[_-]/g, ' '))]),
    }));
  }

  read(sheets: Sheet[]): ReadCounts {
    const rows = new UnitRows(this.units);
    const out: ReadCounts = { columns: [], figures: [], problems: [], warnings: [], dates: [], unreadable: null };
    const headerless: string[] = [];
    const totals: TotalLine[] = [];
    const lines: CommuneLine[] = [];
    const multi = sheets.length > 1;

    for (const sheet of sheets) {
      const block = this.findHeader(sheet);
      if (typeof block === 'string') {
        headerless.push(block);
        continue;
      }
      out.problems.push(...block.problems);
      for (const c of block.columns) out.columns.push({ sheet: c.sheet, column: c.column, header: c.header, metric: c.metric, kind: c.kind });
      const titles = [sheet.name, ...sheet.rows.slice(0, block.top).flatMap((r) => r.map((c) => cellText(c ?? null)))];
      for (const d of titles.flatMap(datesIn)) if (!out.dates.includes(d)) out.dates.push(d);
      const sheetParents = rows.parentsNamed(sheet.name);

      for (let r = block.bottom + 1; r < sheet.rows.length; r++) {
        const cells = sheet.rows[r] ?? [];
        if (isNumbering(cells)) continue;
        const label = rowLabel(sheet, r, multi);
        const where = `row ${label}`;
        const hasFigures = block.columns.some((c) => cellText(cells[c.index] ?? null));
        const match = rows.match(where, cells, block.units, sheetParents);
        if (match.kind === 'blank') {
          if (hasFigures) out.problems.push({ row: label, message: `${where}: figures without a commune's code or name` });
          continue;
        }
        if (match.kind === 'total') {
          for (const c of block.columns) {
            const value = cellCount(cells[c.index] ?? null);
            if (typeof value === 'number') totals.push({ row: label, sheet: sheet.name, unit: match.unit, key: `${c.metric}|${c.kind}`, column: `${c.column} "${c.header}"`, value });
          }
          continue;
        }
        if (match.kind === 'problem') {
          if (hasFigures) out.problems.push({ row: label, message: match.message, ...(match.candidates ? { candidates: match.candidates } : {}) });
          continue;
        }
        const earlier = rows.claim(match.unit, label);
        if (earlier) {
          out.problems.push({ row: label, message: `${where}: ${match.unit.fullName} is already on row ${earlier}` });
          continue;
        }
        for (const c of block.columns) {
          const raw = cells[c.index] ?? null;
          // An empty cell gives no figure: nothing is said about that count.
          if (!cellText(raw)) continue;
          const value = cellCount(raw);
          if (typeof value === 'string') {
            out.problems.push({ row: label, column: `${c.column} "${c.header}"`, message: `${where}, column ${c.column} "${c.header}": ${value}` });
            continue;
          }
          out.figures.push({ row: label, column: c.column, header: c.header, unit: match.unit, by: match.by, metric: c.metric, kind: c.kind, figure: value });
          lines.push({ sheet: sheet.name, unit: match.unit, key: `${c.metric}|${c.kind}`, value });
        }
      }
    }

    if (headerless.length === sheets.length) out.unreadable = headerless.join('; ');
    out.warnings.push(...rows.checkTotals(totals, lines));
    return out;
  }

  /** The header rows of a sheet and its columns of counts, or why it has none. */
  private findHeader(sheet: Sheet): HeaderBlock | string {
    const none = `sheet "${sheet.name}": no header row with a unit column ("Mã", "Tên đơn vị") in the first ${HEADER_ROWS} rows`;
    let why = none;
    for (let r = 0; r < Math.min(HEADER_ROWS, sheet.rows.length); r++) {
      const row = sheet.rows[r] ?? [];
      const texts = row.map(folded);
      // A title merged across the columns repeats one text: it is not a header row.
      if (new Set(texts.filter(Boolean)).size < 2) continue;
      const units = unitColumns(texts, (h) => NOT_COUNTS.test(h) || TOTAL_WORDS.test(h) || DAY_WORDS.test(h));
      if (!units) continue;
      const unitIndexes = [units.code, units.name, units.parent].filter((i): i is number => i !== null);
      const above = sheet.rows[r - 1] ?? [];
      const top = r > 0 && unitIndexes.every((i) => !cellText(above[i] ?? null)) && above.some((c, i) => !unitIndexes.includes(i) && cellText(c ?? null)) ? r - 1 : r;
      let bottom = r;
      while (bottom + 1 < sheet.rows.length && bottom - top < 3 && isSubHeader(sheet.rows[bottom + 1] ?? [], sheet.rows[bottom] ?? [], unitIndexes)) bottom++;
      const block = this.classify(sheet, top, bottom, units, Math.max(...unitIndexes) + 1);
      if (block.columns.length) return block;
      // The first row that looked like a header says best what was wrong.
      if (why !== none) continue;
      why = block.problems.length
        ? block.problems.map((p) => p.message).join('; ')
        : `sheet "${sheet.name}" row ${r + 1}: no column of counts (a metric's name over "Trong ngày" or "Lũy kế")`;
    }
    return why;
  }

  private classify(sheet: Sheet, top: number, bottom: number, units: UnitColumns, firstFigure: number): HeaderBlock {
    const block: HeaderBlock = { top, bottom, units, columns: [], problems: [] };
    const width = Math.max(...sheet.rows.slice(top, bottom + 1).map((r) => r.length));
    const where = (i: number, header: string) => `sheet "${sheet.name}", column ${columnLetter(i)} "${header}"`;
    for (let i = firstFigure; i < width; i++) {
      const texts = headerTexts(sheet.rows, top, bottom, i, firstFigure);
      if (!texts.length) continue;
      const header = texts.join(' · ');
      const leaf = folded(texts.at(-1)!);
      if (NOT_COUNTS.test(leaf)) continue;
      const foldedTexts = texts.map((t) => folded(t)).reverse();
      const kind = foldedTexts.map((t) => (TOTAL_WORDS.test(t) ? 'total' : DAY_WORDS.test(t) ? 'day' : null)).find((k) => k !== null) ?? null;
      const said = [...words(texts.join(' '))].filter((w) => !NOISE.has(w));
      const fits = this.metricWords.filter((m) => said.every((w) => m.words.has(w)));
      const metric = said.length === 0 ? (this.metrics.length === 1 ? this.metrics[0].key : null) : fits.length === 1 ? fits[0].key : null;
      if (!metric) {
        // A column that names no metric and no kind of count is someone's notes: not ours to read.
        if (kind === null && !fits.length) continue;
        block.problems.push({
          row: null,
          column: `${columnLetter(i)} "${header}"`,
          message: fits.length > 1
            ? `${where(i, header)}: fits ${fits.length} metrics (${fits.map((m) => m.key).join(', ')}); name the metric in the header`
            : `${where(i, header)}: names no metric of the campaign (${this.metrics.map((m) => m.shortName ?? m.name).join(', ')})`,
        });
        continue;
      }
      const columnKind = kind ?? this.defaultKind;
      if (!columnKind) {
        block.problems.push({
          row: null,
          column: `${columnLetter(i)} "${header}"`,
          message: `${where(i, header)}: does not say whether it holds the day's count ("Trong ngày") or the total so far ("Lũy kế"); say it in the header, or with kind=day or kind=total`,
        });
        continue;
      }
      const twin = block.columns.find((c) => c.metric === metric && c.kind === columnKind);
      if (twin) {
        block.problems.push({ row: null, column: `${columnLetter(i)} "${header}"`, message: `${where(i, header)}: column ${twin.column} holds the same (${metric}, ${columnKind === 'day' ? 'the day' : 'the total'}); only ${twin.column} is read` });
        continue;
      }
      block.columns.push({ sheet: sheet.name, column: columnLetter(i), header, metric, kind: columnKind, index: i });
    }
    return block;
  }
}
