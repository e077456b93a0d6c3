import { afterAll, beforeAll, it } from 'vitest';
import { artifact, launch } from '../helpers/browser.js';
import { expectedCounters, open, waitForCounters } from '../helpers/screens.js';
import { seedProgress } from '../helpers/seed.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

let server: ServerProcess;
beforeAll(async () => { server = await startServer(); await seedProgress(server); });
afterAll(async () => { await server?.stop(); removeDir(server.dataDir); });

const sizes = (process.env.SIZES ?? '1280x720,1920x1080,3840x2160,1080x1920').split(',').map((s) => s.split('x').map(Number));
const paths = (process.env.PATHS ?? '/,/district/443').split(',');
it('shots', async () => {
  for (const [width, height] of sizes) {
    const browser = await launch({ width, height });
    try {
      for (const path of paths) {
        const page = await open(browser, server, path, process.env.QUERY ?? '');
        await page.waitForSelector('[data-testid=rank-row]', { timeout: 15000 }).catch(() => {});
        await page.waitForTimeout(2500);
        await page.screenshot({ path: artifact(`scratch${path.replace(/\//g, '_')}-${width}x${height}.png`) });
      }
    } finally { await browser.dispose(); }
  }
}, 300000);
