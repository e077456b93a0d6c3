/**
 * The progress table as files: an XLSX laid out as offices lay out theirs (a title, headers
 * grouped over merged cells, a total line, one sheet per metric, ready to print on A4), where
 * numbers stay numbers and dates stay dates under number formats; and a CSV of the same
 * columns with plain numbers (no thousands separator, a dot for decimals) and dd/mm/yyyy dates.
 */
import ExcelJS from 'exceljs';
import { formatDate, formatTime, type ProgressRow, type ProgressTable } from '@tiendo/shared';
import { csvFile } from '../common/csv.js';

const COUNT = '#,##0';
const RATE = '0.0%';
const DAY = 'dd/mm/yyyy';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
const THIN: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF9AA8B8' } };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** What the table's figures stand at, as a subtitle says it. */
export function asOfText(table: ProgressTable, timeZone: string): string {
  return table.live
    ? `Số liệu lúc ${formatTime(Date.parse(table.asOf), timeZone, 'vi-VN', false)} ngày ${formatDate(table.date)}`
    : `Số liệu đến hết ngày ${formatDate(table.date)}`;
}

const todayHeader = (table: ProgressTable) => (table.live ? 'Hôm nay' : `Trong ngày ${formatDate(table.date, 'vi-VN', true)}`);
const milestoneHeader = (m: { name: string; date: string }) => `${m.name} (${formatDate(m.date)})`;

/** A date as Excel stores it: a day at midnight, which the cell's format shows as dd/mm/yyyy. */
const excelDate = (date: string | null) => (date ? new Date(`${date}T00:00:00Z`) : null);

/** Sheet names: at most 31 characters, none of []:*?/\, each once. */
function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || 'Sheet';
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base.slice(0, 28)} ${i}`;
  taken.add(candidate);
  return candidate;
}

/** One sheet per table (per metric); `shortNames` name the sheets. */
export async function tablesWorkbook(tables: ProgressTable[], timeZone: string, shortNames: Map<string, string>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'tiendo';
  const taken = new Set<string>();
  for (const table of tables) addSheet(workbook, table, timeZone, sheetName(shortNames.get(table.metric.key) ?? table.metric.name, taken));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSheet(workbook: ExcelJS.Workbook, table: ProgressTable, timeZone: string, name: string): void {
  const milestones = table.milestones;
  const columns = 7 + milestones.length + 3;
  const ws = workbook.addWorksheet(name, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 } },
    views: [{ state: 'frozen', ySplit: 5, xSplit: 2 }],
  });
  ws.pageSetup.printTitlesRow = '4:5';

  ws.mergeCells(1, 1, 1, columns);
  ws.getCell(1, 1).value = `TIẾN ĐỘ ${table.metric.name.toLocaleUpperCase('vi')} — ${table.scope.name.toLocaleUpperCase('vi')}`;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.mergeCells(2, 1, 2, columns);
  ws.getCell(2, 1).value = `${table.campaign.name}. ${asOfText(table, timeZone)}.`;
  ws.getCell(2, 1).font = { italic: true };

  // Two header rows: single columns merged down, groups merged across.
  const single = ['STT', 'Đơn vị', 'Chỉ tiêu', 'Thực hiện', 'Tỷ lệ', 'Còn lại', todayHeader(table)];
  single.forEach((text, i) => {
    ws.mergeCells(4, i + 1, 5, i + 1);
    ws.getCell(4, i + 1).value = text;
  });
  let c = single.length + 1;
  if (milestones.length) {
    ws.mergeCells(4, c, 4, c + milestones.length - 1);
    ws.getCell(4, c).value = 'Cần/ngày để kịp mốc';
    milestones.forEach((m, i) => (ws.getCell(5, c + i).value = milestoneHeader(m)));
    c += milestones.length;
  }
  ws.mergeCells(4, c, 4, c + 2);
  ws.getCell(4, c).value = 'Về đích';
  ['Ngày', 'Thứ tự', 'Dự kiến'].forEach((text, i) => (ws.getCell(5, c + i).value = text));
  for (const r of [4, 5]) {
    for (let i = 1; i <= columns; i++) {
      const cell = ws.getCell(r, i);
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.fill = HEADER_FILL;
      cell.border = BORDER;
    }
  }
  ws.getRow(5).height = 30;

  const formats = [null, null, COUNT, COUNT, RATE, COUNT, COUNT, ...milestones.map(() => COUNT), DAY, '0', DAY];
  const write = (values: unknown[], bold: boolean) => {
    const row = ws.addRow(values);
    row.eachCell({ includeEmpty: true }, (cell, i) => {
      if (i > columns) return;
      const format = formats[i - 1];
      if (format) cell.numFmt = format;
      cell.border = BORDER;
      if (bold) cell.font = { bold: true };
    });
  };
  for (const r of table.rows) write(values(r, r.rank), false);
  write(values(table.total, null, 'Tổng cộng'), true);

  ws.getColumn(1).width = 5;
  ws.getColumn(2).width = 26;
  for (let i = 3; i <= columns; i++) ws.getColumn(i).width = i > 7 && i <= 7 + milestones.length ? 16 : 12;
}

/** A row's cells in the table's column order: numbers as numbers, days as Excel dates. */
function values(r: ProgressRow, stt: number | null, name = r.unitName): unknown[] {
  return [
    stt, name, r.target, r.value, r.progress, r.remaining, r.today, ...r.needs,
    excelDate(r.finishedOn), r.finishOrder, excelDate(r.projectedFinish),
  ];
}

/** The same table as CSV: one header line, a line per unit, the total last. */
export function tableCsv(table: ProgressTable): string {
  const header = [
    'STT', 'Đơn vị', 'Chỉ tiêu', 'Thực hiện', 'Tỷ lệ (%)', 'Còn lại', todayHeader(table),
    ...table.milestones.map((m) => `Cần/ngày: ${milestoneHeader(m)}`), 'Về đích', 'Thứ tự về đích', 'Dự kiến về đích',
  ];
  const line = (r: ProgressRow, stt: number | string, name = r.unitName) => [
    stt, name, r.target, r.value, r.progress === null ? '' : (r.progress * 100).toFixed(1), r.remaining, r.today,
    ...r.needs.map((n) => n ?? ''), r.finishedOn ? formatDate(r.finishedOn) : '', r.finishOrder ?? '', r.projectedFinish ? formatDate(r.projectedFinish) : '',
  ];
  return csvFile([header, ...table.rows.map((r) => line(r, r.rank)), line(table.total, '', 'Tổng cộng')]);
}
