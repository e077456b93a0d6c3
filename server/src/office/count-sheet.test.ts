import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { MetricInfo } from '@tiendo/shared';
import { subtree } from '../catalog/catalog.js';
import { readSheets, type Cell, type Sheet } from '../admin/sheet.js';
import { columnLetter, CountSheetReader, datesIn } from './count-sheet.js';

const units = subtree('42')!;
const metrics: MetricInfo[] = [
  { key: 'cccd_intake', name: 'Thu nhận CCCD gắn chip', shortName: 'CCCD' },
  { key: 'eid2_intake', name: 'Thu nhận định danh điện tử mức 2', shortName: 'ĐDĐT thu nhận' },
  { key: 'eid2_activation', name: 'Kích hoạt định danh điện tử mức 2', shortName: 'ĐDĐT kích hoạt' },
];
const reader = (kind: 'day' | 'total' | null = null) => new CountSheetReader(units, metrics, kind);
const sheet = (name: string, rows: Cell[][]): Sheet => ({ name, rows });

/** As exceljs reads merged cells: the value in every cell they cover. */
const TITLE = 'BÁO CÁO KẾT QUẢ THU NHẬN CCCD VÀ ĐỊNH DANH ĐIỆN TỬ NGÀY 12/5/2023';
const twoRowHeader: Cell[][] = [
  Array(7).fill(TITLE),
  [],
  ['STT', 'Mã xã', 'Tên đơn vị', 'Thu nhận CCCD', 'Thu nhận CCCD', 'Kích hoạt ĐDĐT', 'Kích hoạt ĐDĐT'],
  ['STT', 'Mã xã', 'Tên đơn vị', 'Trong ngày', 'Lũy kế', 'Trong ngày', 'Lũy kế'],
];

describe('the sheet of counts', () => {
  it('reads merged headers: a metric over its day and total columns, under a title naming the day', () => {
    const read = reader().read([sheet('Thạch Hà', [
      ...twoRowHeader,
      [1, 18586, 'Xã Thạch Kênh', 12, 4512, 3, 2100],
      [2, null, 'thach son', 0, 3000, null, 1500],
      [3, null, 'X. Thạch Liên', 5, '12a', 1, 900],
      ['Tổng cộng', 'Tổng cộng', 'Tổng cộng', 17, 7512, 4, 4500],
    ])]);
    expect(read.unreadable).toBeNull();
    expect(read.dates).toEqual(['2023-05-12']);
    expect(read.columns.map((c) => [c.column, c.header, c.metric, c.kind])).toEqual([
      ['D', 'Thu nhận CCCD · Trong ngày', 'cccd_intake', 'day'],
      ['E', 'Thu nhận CCCD · Lũy kế', 'cccd_intake', 'total'],
      ['F', 'Kích hoạt ĐDĐT · Trong ngày', 'eid2_activation', 'day'],
      ['G', 'Kích hoạt ĐDĐT · Lũy kế', 'eid2_activation', 'total'],
    ]);
    expect(read.problems.map((p) => p.message)).toEqual(['row 7, column E "Thu nhận CCCD · Lũy kế": "12a" is not a number']);
    expect(read.figures.filter((f) => f.unit.code === '18589').map((f) => [f.metric, f.kind, f.figure, f.by])).toEqual([
      ['cccd_intake', 'day', 0, 'name'],
      ['cccd_intake', 'total', 3000, 'name'],
      ['eid2_activation', 'total', 1500, 'name'],
    ]);
    // The total row is checked, not counted: its E is off, as row 7's E was not read.
    expect(read.figures.some((f) => f.row === '8')).toBe(false);
    expect(read.warnings).toEqual([]);
  });

  it('checks the totals row column by column, and a district subtotal across sheets', () => {
    const read = reader().read([sheet('Thạch Hà', [
      ...twoRowHeader,
      [1, 18586, 'Thạch Kênh', 12, 4512, 3, 2100],
      [2, 18589, 'Thạch Sơn', 1, 3000, 2, 1500],
      ['', '', 'Cộng', 13, 7000, 5, 3600],
      ['', '', 'Huyện Thạch Hà', 13, 7512, 5, 3600],
    ])]);
    expect(read.warnings.map((w) => w.message)).toEqual([
      'row 7, column E "Thu nhận CCCD · Lũy kế": the total says 7000, the communes read sum to 7512',
    ]);
    expect(read.figures).toHaveLength(8);
  });

  it('takes a group header written once over blank cells (CSV), and a group row above the unit headers', () => {
    const csvLike = reader().read([sheet('bao-cao', [
      ['Báo cáo ngày 2023-05-12'],
      ['Mã xã', 'Tên xã', 'Thu nhận CCCD', null, 'Thu nhận ĐDĐT mức 2', null, 'Ghi chú'],
      [null, null, 'Trong ngày', 'Lũy kế', 'Trong ngày', 'Lũy kế', null],
      ['(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)'],
      ['18586', 'Thạch Kênh', '1.234', '4.512', '10', '20', 'đủ'],
    ])]);
    expect(csvLike.columns.map((c) => `${c.column} ${c.metric} ${c.kind}`)).toEqual([
      'C cccd_intake day', 'D cccd_intake total', 'E eid2_intake day', 'F eid2_intake total',
    ]);
    expect(csvLike.figures.map((f) => f.figure)).toEqual([1234, 4512, 10, 20]);
    expect(csvLike.dates).toEqual(['2023-05-12']);

    const groupAbove = reader().read([sheet('x', [
      [null, null, 'Kích hoạt định danh điện tử'],
      ['Mã', 'Đơn vị', 'Số trong ngày', 'Lũy kế đến nay'],
      [18586, 'Thạch Kênh', 4, 40],
    ])]);
    expect(groupAbove.columns.map((c) => `${c.header} ${c.metric} ${c.kind}`)).toEqual([
      'Kích hoạt định danh điện tử · Số trong ngày eid2_activation day',
      'Kích hoạt định danh điện tử · Lũy kế đến nay eid2_activation total',
    ]);
  });

  it('reports a column naming no metric or several, and one that does not say day or total unless told', () => {
    const rows: Cell[][] = [
      ['Mã', 'Tên đơn vị', 'Thu nhận · Lũy kế', 'Kích hoạt', 'Số điện thoại', 'Tỷ lệ (%)'],
      [18586, 'Thạch Kênh', 10, 5, '0912', 50],
    ];
    const strict = reader().read([sheet('S', rows)]);
    expect(strict.unreadable).toBe([
      'sheet "S", column C "Thu nhận · Lũy kế": fits 2 metrics (cccd_intake, eid2_intake); name the metric in the header',
      'sheet "S", column D "Kích hoạt": does not say whether it holds the day\'s count ("Trong ngày") or the total so far ("Lũy kế"); say it in the header, or with kind=day or kind=total',
    ].join('; '));
    const told = reader('total').read([sheet('S', rows)]);
    expect(told.problems.map((p) => p.message)).toEqual([expect.stringMatching(/column C .*fits 2 metrics/)]);
    expect(told.columns.map((c) => `${c.column} ${c.metric} ${c.kind}`)).toEqual(['D eid2_activation total']);
    expect(told.figures.map((f) => f.figure)).toEqual([5]);
  });

  it('matches names as officials spell them, tells namesakes apart by the sheet, and reports the rest', () => {
    const header: Cell[] = ['Tên đơn vị', 'CCCD lũy kế'];
    const read = reader().read([
      sheet('Thạch Hà', [header, ['Thach Ha', 100], ['THẠCH KÊNH', 200], ['Xã  Thạch  Liên', 300], ['Xã Không Có', 1]]),
      sheet('Bổ sung', [header, ['Thach Ha', 5], ['Thạch Kênh', 7]]),
    ]);
    expect(read.figures.map((f) => [f.row, f.unit.code])).toEqual([['Thạch Hà!2', '18562'], ['Thạch Hà!3', '18586'], ['Thạch Hà!4', '18592']]);
    expect(read.problems.map((p) => p.message)).toEqual([
      'row Thạch Hà!5: no commune of this campaign is named "Xã Không Có"',
      'row Bổ sung!2: "Thach Ha" fits 2 communes; add the district or the code',
      'row Bổ sung!3: Xã Thạch Kênh is already on row Thạch Hà!3',
    ]);
    expect(read.problems[1].candidates).toEqual([{ code: '18100', name: 'Xã Thạch Hạ' }, { code: '18562', name: 'Thị trấn Thạch Hà' }]);
  });

  it('says why a sheet has nothing to read', () => {
    expect(reader().read([sheet('Ghi chú', [['Người lập biểu'], ['Nguyễn Văn A']])]).unreadable)
      .toBe('sheet "Ghi chú": no header row with a unit column ("Mã", "Tên đơn vị") in the first 15 rows');
  });

  it('reads the sample file of the README', async () => {
    const sheets = await readSheets(await import('node:fs').then((fs) => fs.readFileSync(new URL('../../samples/bao-cao-ngay-mau.xlsx', import.meta.url))), 'bao-cao-ngay-mau.xlsx');
    const read = reader().read(sheets);
    expect(read.problems).toEqual([]);
    expect(read.warnings).toEqual([]);
    expect(read.dates).toHaveLength(1);
    expect(new Set(read.figures.map((f) => f.metric))).toEqual(new Set(metrics.map((m) => m.key)));
  });

  it('reads an XLSX whose header cells are merged', async () => {
    const workbook = new ExcelJS.Workbook();
    const ws = workbook.addWorksheet('Can Lộc');
    ws.mergeCells('A1:E1');
    ws.getCell('A1').value = 'Kết quả thu nhận ngày 03 tháng 4 năm 2023 (theo Điện 16/HT ngày 21/3/2023)';
    ws.mergeCells('A2:A3');
    ws.getCell('A2').value = 'Đơn vị';
    ws.mergeCells('B2:C2');
    ws.getCell('B2').value = 'ĐDĐT thu nhận';
    ws.getCell('B3').value = 'Trong ngày';
    ws.getCell('C3').value = 'Lũy kế';
    ws.addRow(['Xã Thuần Thiện', 7, 70]);
    const sheets = await readSheets(Buffer.from(await workbook.xlsx.writeBuffer()), 'a.xlsx');
    const read = reader().read(sheets);
    expect(read.dates).toEqual(['2023-04-03']);
    expect(read.figures.map((f) => `${f.unit.fullName} ${f.metric} ${f.kind} ${f.figure}`)).toEqual([
      'Xã Thuần Thiện eid2_intake day 7', 'Xã Thuần Thiện eid2_intake total 70',
    ]);
  });
});

describe('dates in titles', () => {
  it.each([
    ['Báo cáo ngày 12/5/2023', ['2023-05-12']],
    ['NGÀY 12 THÁNG 5 NĂM 2023', ['2023-05-12']],
    ['Số liệu đến 17h00 ngày 12.05.2023', ['2023-05-12']],
    ['Thực hiện Điện 16/HT ngày 21/3/2023, báo cáo ngày 12/5/2023', ['2023-05-12']],
    ['Từ 10/5/2023 đến 12/5/2023', ['2023-05-10', '2023-05-12']],
    ['Ngày 31/2/2023', []],
    ['Tuần 12', []],
  ])('%s', (text, dates) => {
    expect(datesIn(text)).toEqual(dates);
  });
});

describe('columnLetter', () => {
  it('names columns as Excel does', () => {
    expect([0, 6, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'G', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });
});
