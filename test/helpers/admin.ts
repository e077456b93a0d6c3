/**
 * What the admin browser tests need besides the pages: the demo's people, signing in through
 * the page, and target sheets written the way a provincial office keeps them (a merged title
 * row, Vietnamese headers, a total row at the bottom).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import type { ServerProcess } from './server.js';

export interface DemoPerson {
  login: string;
  password: string;
  scope: string;
}

export type DemoPeople = Record<'admin' | 'leadership' | 'chief' | 'officer', DemoPerson>;

/** The people `main.js demo` made, with their passwords (demo only). */
export function demoPeople(server: ServerProcess): DemoPeople {
  return JSON.parse(readFileSync(join(server.dataDir, 'demo-people.json'), 'utf8')) as DemoPeople;
}

/** Fills the sign-in form of the page at hand and submits it. */
export async function submitSignIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

export interface TargetLine {
  /** Empty: the row names its commune only. */
  code: string;
  name: string;
  target: number | string;
}

/** An XLSX workbook of commune targets: title merged over the columns, headers, rows, and the total the office wrote. */
export async function targetWorkbook(title: string, lines: TargetLine[], total: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Chỉ tiêu');
  sheet.mergeCells('A1:D1');
  sheet.getCell('A1').value = title;
  sheet.getCell('A1').font = { bold: true, size: 14 };
  sheet.getCell('A1').alignment = { horizontal: 'center' };
  sheet.addRow([]);
  sheet.addRow(['STT', 'Mã đơn vị', 'Tên đơn vị', 'Chỉ tiêu']).font = { bold: true };
  lines.forEach((line, i) => sheet.addRow([i + 1, line.code || null, line.name, line.target]));
  sheet.addRow([null, null, 'Tổng cộng', total]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
