/**
 * Spreadsheets as offices write them, made by the tests: a title merged over the columns,
 * Vietnamese headers, names spelt the usual ways, subtotal and total rows, a cell that is not
 * a number, one sheet per district; and unit catalogs of two or three levels.
 */
import ExcelJS from 'exceljs';

export interface TargetRow {
  /** A code, or null to name the unit only. */
  code: string | null;
  name: string;
  target: number | string;
  /** A subtotal or total line: checked, not counted. */
  subtotal?: boolean;
}

/** One sheet per entry: a merged title row, a blank row, headers, then the rows. */
export async function targetWorkbook(sheets: { name: string; title: string; rows: TargetRow[] }[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name);
    ws.mergeCells('A1:D1');
    ws.getCell('A1').value = sheet.title;
    ws.getCell('A1').font = { bold: true, size: 14 };
    ws.addRow([]);
    ws.addRow(['STT', 'Mã đơn vị', 'Tên đơn vị', 'Chỉ tiêu (người)']);
    sheet.rows.forEach((r, i) => ws.addRow([r.subtotal ? '' : i + 1, r.code ?? '', r.name, r.target]));
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** A catalog file (CSV, UTF-8 with a byte-order mark, as Excel saves it). */
export function catalogCsv(units: { code: string; name: string; type: string; parent: string; population?: number }[]): Uint8Array {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = ['Mã,Tên,Loại,Mã cấp trên,Dân số', ...units.map((u) => [u.code, u.name, u.type, u.parent, u.population ?? ''].map((v) => quote(String(v))).join(','))];
  return new TextEncoder().encode(`\ufeff${lines.join('\r\n')}\r\n`);
}

/**
 * A province as Vietnam has had them since 1 July 2025: communes and wards directly under it.
 * Codes and names are made up: `99` and "Xã Thử Nghiệm 1…".
 */
export function twoLevelCatalog(communes = 24): { code: string; name: string; type: string; parent: string; population?: number }[] {
  return [
    { code: '99', name: 'Tỉnh Thử Nghiệm', type: 'Tỉnh', parent: 'VN' },
    ...Array.from({ length: communes }, (_, i) => ({
      code: `99${String(i + 1).padStart(3, '0')}`,
      name: i % 5 === 0 ? `Phường Bến ${i + 1}` : `Xã Thử Nghiệm ${i + 1}`,
      type: i % 5 === 0 ? 'Phường' : 'Xã',
      parent: '99',
      population: 8000 + ((i * 977) % 9000),
    })),
  ];
}

/** A commune's line of a daily sheet: its figures in the sheet's column order (a string is written as text). */
export interface CountRow {
  code: string | null;
  name: string;
  figures: (number | string | null)[];
}

export interface CountSheet {
  name: string;
  /** The title, merged over every column ("BÁO CÁO … NGÀY 12/5/2023"); null for none. */
  title: string | null;
  /** Each metric's header, merged over its "Trong ngày" and "Lũy kế" columns. */
  metrics: string[];
  rows: CountRow[];
  /** The "Tổng cộng" line: the sums of the numbers above, unless given. */
  total?: (number | null)[];
}

/**
 * The daily sheet as offices keep it: a title merged across, a blank row, two header rows
 * (STT, code and name merged down; each metric merged over "Trong ngày" and "Lũy kế"), a line
 * per commune, the totals line with its label merged across the unit columns, and the signature
 * lines under it.
 */
export async function countWorkbook(sheets: CountSheet[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name);
    const width = 3 + 2 * sheet.metrics.length;
    if (sheet.title) {
      ws.mergeCells(1, 1, 1, width);
      ws.getCell(1, 1).value = sheet.title;
      ws.getCell(1, 1).font = { bold: true, size: 13 };
    }
    ['STT', 'Mã xã', 'Tên đơn vị'].forEach((text, i) => {
      ws.mergeCells(3, i + 1, 4, i + 1);
      ws.getCell(3, i + 1).value = text;
    });
    sheet.metrics.forEach((metric, i) => {
      ws.mergeCells(3, 4 + 2 * i, 3, 5 + 2 * i);
      ws.getCell(3, 4 + 2 * i).value = metric;
      ws.getCell(4, 4 + 2 * i).value = 'Trong ngày';
      ws.getCell(4, 5 + 2 * i).value = 'Lũy kế';
    });
    sheet.rows.forEach((r, i) => ws.getRow(5 + i).values = [i + 1, r.code ?? '', r.name, ...r.figures]);
    const sums = sheet.total ?? Array.from({ length: 2 * sheet.metrics.length }, (_, j) =>
      sheet.rows.reduce((a, r) => a + (typeof r.figures[j] === 'number' ? (r.figures[j] as number) : 0), 0));
    const totalRow = 5 + sheet.rows.length;
    ws.mergeCells(totalRow, 1, totalRow, 3);
    ws.getCell(totalRow, 1).value = 'Tổng cộng';
    sums.forEach((s, j) => (ws.getCell(totalRow, 4 + j).value = s));
    ws.getRow(totalRow).font = { bold: true };
    ws.getCell(totalRow + 2, 3).value = 'Người lập biểu';
    for (let c = 4; c <= width; c++) ws.getColumn(c).numFmt = '#,##0';
    ws.getColumn(3).width = 24;
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** A sheet saved as CSV (UTF-8 with a byte-order mark): one header line, the rows. */
export function csvSheet(header: string[], rows: (string | number)[][]): Uint8Array {
  const quote = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return new TextEncoder().encode(`\ufeff${[header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`);
}

/** Names as offices spell them: a type prefix abbreviated, none, upper case, or no diacritics at all. */
export function spelt(fullName: string, name: string, i: number): string {
  const plain = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
  switch (i % 5) {
    case 0: return fullName;
    case 1: return name;
    case 2: return fullName.replace(/^Xã /, 'X. ').replace(/^Phường /, 'P. ').replace(/^Thị trấn /, 'TT ');
    case 3: return name.toLocaleUpperCase('vi');
    default: return plain(fullName);
  }
}
