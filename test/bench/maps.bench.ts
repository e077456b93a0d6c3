/**
 * Boundary imports against the real server, on generated files: a province (Hà Tĩnh, 216
 * communes) at two levels of detail, and the whole country (10,599 communes). Prints the time
 * to read, match, simplify and store, the sizes, the time to serve a map, and in Chromium the
 * time an open wall takes to show a confirmed map and to draw the communes, and the size of the
 * served maps as they travel: raw, gzip and brotli. Asserts nothing.
 *   pnpm -F @tiendo/test bench
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { countryCommunes, haTinhBoundaries, jsonBytes, type FeatureCollection } from '../helpers/boundaries.js';
import { hasChromium, launch } from '../helpers/browser.js';
import { confirmMap, encodedSize, getMap, importMap } from '../helpers/maps.js';
import { open } from '../helpers/screens.js';
import { removeDir, ROOT, startServer, type ServerProcess } from '../helpers/server.js';

const servers: ServerProcess[] = [];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await run();
  return [value, performance.now() - started];
}

async function measure(name: string, server: ServerProcess, file: FeatureCollection, scope: string): Promise<void> {
  const bytes = jsonBytes(file);
  const [imported, importMs] = await timed(() => importMap(server, bytes, { name: `${name}.geojson`, level: 'commune' }));
  if (imported.status !== 200) throw new Error(`import failed: ${imported.status} ${imported.body.message}`);
  const preview = imported.body;
  const [, confirmMs] = await timed(() => confirmMap(server, preview.importId!));
  const [first, firstMs] = await timed(() => getMap(server, scope, 'commune'));
  const [, cachedMs] = await timed(() => getMap(server, scope, 'commune'));
  const [, revalidateMs] = await timed(() => getMap(server, scope, 'commune', first.etag!));
  const served = JSON.stringify(first.topology).length;
  console.log(
    `${name}: ${file.features.length} features, ${kb(bytes.length)}, ${preview.size.points} points → ` +
      `import ${ms(importMs)} (server ${ms(preview.elapsedMs)}), confirm ${ms(confirmMs)}; ` +
      `stored ${kb(preview.size.storedBytes)} (${preview.size.storedPoints} points); ` +
      `map of ${scope}: ${kb(served)}, first ${ms(firstMs)}, cached ${ms(cachedMs)}, 304 in ${ms(revalidateMs)}`,
  );
  await sizes(server, [`/api/v1/maps/${scope}?level=district`, `/api/v1/maps/${scope}?level=commune`, '/api/v1/maps/445?level=commune']);
}

/** Bytes on the wire of each answer, raw and compressed. */
async function sizes(server: ServerProcess, paths: string[]): Promise<void> {
  for (const path of paths) {
    const [raw, gzip, brotli] = await Promise.all(['identity', 'gzip', 'br'].map((e) => encodedSize(`${server.url}${path}`, e, server.keys.display)));
    console.log(`  ${path}: ${(raw.bytes / 1024).toFixed(1)} kB raw, ${(gzip.bytes / 1024).toFixed(1)} kB gzip, ${(brotli.bytes / 1024).toFixed(1)} kB brotli`);
  }
}

afterAll(async () => {
  for (const s of servers) {
    await s.stop();
    removeDir(s.dataDir);
  }
});

describe('boundary import', () => {
  it('a province of 216 communes, and the whole country', async () => {
    const province = await startServer();
    servers.push(province);
    await measure('Hà Tĩnh, 216 communes', province, haTinhBoundaries({ detail: 2 }).communes, '42');
    await measure('Hà Tĩnh, 216 communes, surveyed detail', province, haTinhBoundaries({ detail: 24 }).communes, '42');

    // The demo's admin key is for Hà Tĩnh; a national file needs one for the country.
    const first = await startServer({ env: { ROOT_UNIT: 'VN' } });
    await first.stop();
    const key = execFileSync(process.execPath, [join(ROOT, 'server/dist/main.js'), 'key', 'admin', 'VN', 'bench'], {
      env: { ...process.env, DATA_DIR: first.dataDir, DATABASE_URL: '' },
    }).toString().trim();
    const restarted = await startServer({ env: { ROOT_UNIT: 'VN' }, dataDir: first.dataDir });
    const country = { ...restarted, keys: { ...restarted.keys, admin: key } };
    servers.push(country);
    await measure('Việt Nam, 10,599 communes', country, countryCommunes({ detail: 2 }), '42');
  });

  it.skipIf(!hasChromium)('an open wall in Chromium: switching to a confirmed map, drawing the communes', async () => {
    const server = await startServer();
    servers.push(server);
    const context = await launch();
    try {
      const wall = await open(context, server, '/');
      const districts = wall.locator('svg path[data-code^="4"][role="button"]');
      await wall.waitForFunction(() => document.querySelectorAll('svg path[data-code^="4"][role="button"]').length === 13, null, { timeout: 15_000 });
      const before = await districts.first().getAttribute('d');
      const { body } = await importMap(server, jsonBytes(haTinhBoundaries({ detail: 2 }).communes), { name: 'xa.geojson' });
      const [, switchMs] = await timed(async () => {
        await confirmMap(server, body.importId!);
        await wall.waitForFunction((d) => document.querySelector('svg path[data-code^="4"][role="button"]')?.getAttribute('d') !== d, before);
      });
      // Drawing the 216 communes: from the click to the frame after they are in the page.
      const drawMs = await wall.evaluate(async () => {
        const started = performance.now();
        Array.from(document.querySelectorAll('button')).find((b) => b.textContent === 'Xã')!.click();
        while (document.querySelectorAll('svg path[data-code^="18"][role="button"]').length < 216) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - started;
      });
      console.log(`Chromium, 1920x1080: confirmed map on an open wall in ${ms(switchMs)}; 216 communes drawn in ${ms(drawMs)}`);
    } finally {
      await context.dispose();
    }
  });
});
