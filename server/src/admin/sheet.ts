/**
 * Spreadsheets as offices keep them, read into plain rows: XLSX (every sheet, merged cells
 * giving their value to each cell they cover, formulas read as their results) or CSV in UTF-8
 * (with or without a byte-order mark, comma or semicolon). A file that is neither is refused
 * with its reason rather than guessed at.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';

export type Cell = string | number | null;

export interface Sheet {
  name: string;
  /** Rows from the first; `rows[i][j]` is the cell of row i + 1, column j + 1. */
  rows: Cell[][];
}

export class SheetError extends Error {}

const MAX_ROWS = 50_000;

export async function readSheets(file: Buffer, fileName: string): Promise<Sheet[]> {
  if (!file.length) throw new SheetError('file: empty');
  const zip = file[0] === 0x50 && file[1] === 0x4b;
  if (zip) return readXlsx(file);
  if (/\.xlsx?$/i.test(fileName) && !zip) {
    throw new SheetError(`file: "${fileName}" is not an XLSX workbook (an old .xls? save it as .xlsx or CSV UTF-8)`);
  }
  return [readCsv(file, fileName)];
}

async function readXlsx(file: Buffer): Promise<Sheet[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch (error) {
    throw new SheetError(`file: not a readable XLSX workbook (${(error as Error).message})`);
  }
  const sheets: Sheet[] = [];
  workbook.eachSheet((worksheet) => {
    if (worksheet.state !== 'visible') return;
    if (worksheet.rowCount > MAX_ROWS) throw new SheetError(`file: sheet "${worksheet.name}" has more than ${MAX_ROWS} rows`);
    const rows: Cell[][] = [];
    worksheet.eachRow({ includeEmpty: true }, (row, number) => {
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cellValue(cell.value);
      });
      rows[number - 1] = Array.from(cells, (c) => c ?? null);
    });
    sheets.push({ name: worksheet.name, rows: Array.from(rows, (r) => r ?? []) });
  });
  if (!sheets.length) throw new SheetError('file: the workbook has no visible sheet');
  return sheets;
}

function cellValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('result' in value) return cellValue(value.result as ExcelJS.CellValue);
  if ('richText' in value) return value.richText.map((t) => t.text).join('');
  if ('text' in value) return String(value.text);
  if ('error' in value) return String(value.error);
  return null;
}

function readCsv(file: Buffer, fileName: string): Sheet {
  let text: string;
  if (file[0] === 0xff && file[1] === 0xfe) text = file.subarray(2).toString('utf16le');
  else {
    const body = file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? file.subarray(3) : file;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw new SheetError(`file: "${fileName}" is not UTF-8 text; save it as "CSV UTF-8" (or upload the XLSX)`);
    }
  }
  if (text.includes('\u0000')) throw new SheetError(`file: "${fileName}" is not a text file`);
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows = parseCsv(text, delimiter);
  if (rows.length > MAX_ROWS) throw new SheetError(`file: more than ${MAX_ROWS} rows`);
  return { name: fileName.replace(/\.[^.]*$/, ''), rows: rows.map((r) => r.map((c) => (c.trim() === '' ? null : c))) };
}

/** RFC 4180: quoted fields may hold the delimiter, quotes ("") and line breaks. */
function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A cell as text for matching: numbers written as people write codes. */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  return typeof cell === 'number' ? String(cell) : cell.trim();
}

/**
 * A cell as a whole number, or the reason it is not one: "12a" is not a number. Vietnamese
 * sheets write thousands with dots or spaces (1.130.342); a decimal comma part is refused.
 */
export function cellCount(cell: Cell): number | string {
  if (cell === null) return 'is empty';
  if (typeof cell === 'number') return Number.isInteger(cell) && cell >= 0 ? cell : `${cell} is not a whole number`;
  const text = cell.trim().replace(/[\s\u00a0]/g, '');
  if (/^\d{1,3}([.,]\d{3})+$/.test(text) || /^\d+$/.test(text)) return Number(text.replace(/[.,]/g, ''));
  return `"${cell.trim()}" is not a number`;
}
