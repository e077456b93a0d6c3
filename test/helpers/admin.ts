/** What the admin browser tests need besides the pages: the demo's people, and signing in through the page. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
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

/** Opens the audit trail and reads it to its start, page after page; its rows, newest first. */
export async function wholeAuditTrail(page: Page, url: string): Promise<Locator> {
  await page.goto(`${url}/admin/audit`);
  const rows = page.getByTestId('audit-row');
  await rows.first().waitFor();
  const more = page.getByRole('button', { name: 'Xem thêm' });
  while (await more.count()) {
    const shown = await rows.count();
    await more.click();
    await expect.poll(() => rows.count()).toBeGreaterThan(shown);
  }
  return rows;
}
