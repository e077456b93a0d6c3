import { afterAll, beforeAll, it } from 'vitest';
import { launch } from '../helpers/browser.js';
import { open } from '../helpers/screens.js';
import { seedProgress } from '../helpers/seed.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';
let server: ServerProcess;
beforeAll(async () => { server = await startServer(); await seedProgress(server); });
afterAll(async () => { await server?.stop(); removeDir(server.dataDir); });
it('measure', async () => {
  const [w, h] = (process.env.SIZE ?? '1920x1080').split('x').map(Number);
  const browser = await launch({ width: w, height: h });
  const page = await open(browser, server, process.env.P ?? '/district/439');
  await page.waitForSelector('[data-testid=rank-row]');
  await page.waitForTimeout(1500);
  console.log(await page.evaluate((sels) => sels.map((s) => { const e = document.querySelector(s); if (!e) return s + ' none'; const r = e.getBoundingClientRect(); return `${s}: top ${Math.round(r.top)} h ${Math.round(r.height)} w ${Math.round(r.width)}`; }).join('\n'), (process.env.SELS ?? '.topbar,.counters,.main,.ranking,.ranking .head,ol,.figure').split(',')));
  await browser.dispose();
}, 120000);
