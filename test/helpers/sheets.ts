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
