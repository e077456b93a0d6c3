/**
 * The wall display in Chromium against the real server, seeded with realistic figures. Prints
 * medians; asserts nothing.
 *   - post → DOM: from sending an ingest POST to the page's update of its sequence number
 *   - script per change message, with all 216 communes on the map: the renderer's script time
 *     (DevTools Performance.getMetrics) in the seconds after a post, less that of quiet seconds
 *   - first load → live numbers: navigation start to the first counter showing a number
 *   - JavaScript shipped: gzip size of every built chunk, and what a wall load transfers
 *   pnpm -F @tiendo/test bench bench/wall.bench.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import { event, postEvents } from '../helpers/api.js';
import { hasChromium, launch } from '../helpers/browser.js';
import { expectedCounters, open, waitForCounters } from '../helpers/screens.js';
import { seedProgress, snapshot } from '../helpers/seed.js';
import { ROOT, removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const MESSAGES = 15;
/** Long enough for a message's whole effect: the counter counts up over 0.7 s. */
const WINDOW_MS = 1500;
const LOADS = 5;
const GOALS = { scriptMs: 16, firstLiveMs: 1500, jsKb: 250 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => x.toFixed(x < 10 ? 1 : 0);
const verdict = (ok: boolean) => (ok ? 'goal met' : 'GOAL MISSED');

/**
 * Runs in the page before its own scripts: notes when the first counter shows a number, and
 * when each new sequence number reaches the DOM (an attribute filter, so that watching costs
 * nothing between messages).
 */
function instrument() {
  const bench = { firstNumber: null as number | null, seqAt: new Map<number, number>() };
  (window as unknown as { bench: typeof bench }).bench = bench;
  const first = new MutationObserver(() => {
    const counter = document.querySelector('[data-testid=counter-value]');
    if (counter && /\d/.test(counter.textContent ?? '')) {
      bench.firstNumber = performance.now();
      first.disconnect();
    }
  });
  first.observe(document, { subtree: true, childList: true, characterData: true });
  new MutationObserver((records) => {
    for (const r of records) bench.seqAt.set(Number((r.target as HTMLElement).dataset.seq), performance.timeOrigin + performance.now());
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-seq'] });
}

/** Epoch ms at which the page showed sequence number `seq` or a later one. */
function shownAt(page: Page, seq: number): Promise<number> {
  return page.evaluate((wanted) => new Promise<number>((resolve) => {
    const seqAt = (window as unknown as { bench: { seqAt: Map<number, number> } }).bench.seqAt;
    const check = () => {
      for (const [seq, at] of seqAt) if (seq >= wanted) return resolve(at);
      setTimeout(check, 5);
    };
    check();
  }), seq);
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => join(dir, f));
}

describe.skipIf(!hasChromium)('wall benchmark (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let communes: string[];

  beforeAll(async () => {
    server = await startServer();
    const seeded = await seedProgress(server);
    communes = seeded.units.filter((u) => u.level === 'commune').map((u) => u.code);
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  it('post → DOM and script per change message, all communes on the map', async () => {
    const browser = await launch();
    try {
      await browser.addInitScript(instrument);
      const page = await open(browser, server);
      await waitForCounters(page, expectedCounters(await snapshot(server)));
      await page.getByRole('button', { name: 'Xã', exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=map-units] path').length === 216);
      const cdp = await browser.newCDPSession(page);
      await cdp.send('Performance.enable');
      const scriptSeconds = async () => {
        const { metrics } = await cdp.send('Performance.getMetrics');
        return metrics.find((m) => m.name === 'ScriptDuration')!.value;
      };
      const scriptIn = async (window: () => Promise<void>) => {
        const before = await scriptSeconds();
        await window();
        return ((await scriptSeconds()) - before) * 1000;
      };
      await page.waitForTimeout(2000); // the map settles

      const quiet: number[] = [];
      const busy: number[] = [];
      const latencies: number[] = [];
      for (let i = 0; i < MESSAGES; i++) {
        quiet.push(await scriptIn(() => page.waitForTimeout(WINDOW_MS)));
        busy.push(await scriptIn(async () => {
          const started = performance.timeOrigin + performance.now();
          const answer = await postEvents(server.url, server.keys.ingest, [event({ unit: communes[(i * 17) % communes.length], delta: 40 + i })]);
          latencies.push((await shownAt(page, answer.body.seq!)) - started);
          await page.waitForTimeout(Math.max(0, started + WINDOW_MS - (performance.timeOrigin + performance.now())));
        }));
      }
      const perMessage = median(busy) - median(quiet);
      console.log(
        `post → DOM: median ${fmt(median(latencies))} ms (min ${fmt(Math.min(...latencies))}, max ${fmt(Math.max(...latencies))}; ${MESSAGES} posts)\n` +
        `script per change message, 216 communes on the map: ${fmt(perMessage)} ms median ` +
        `(${fmt(median(busy))} ms in the ${WINDOW_MS / 1000} s after a post, ${fmt(median(quiet))} ms in quiet ${WINDOW_MS / 1000} s) · ` +
        `goal < ${GOALS.scriptMs} ms: ${verdict(perMessage < GOALS.scriptMs)}`,
      );
    } finally {
      await browser.dispose();
    }
  });

  it('first load to live numbers, and JavaScript shipped', async () => {
    const cold: number[] = [];
    const warm: number[] = [];
    const transferred = new Map<string, number>();
    for (let run = 0; run < LOADS; run++) {
      const browser = await launch();
      try {
        await browser.addInitScript(instrument);
        const page = browser.pages()[0] ?? (await browser.newPage());
        let coldLoad = true; // a reload takes scripts from the cache
        page.on('requestfinished', async (request) => {
          if (!coldLoad || !/\.js$/.test(new URL(request.url()).pathname)) return;
          transferred.set(new URL(request.url()).pathname, (await request.sizes()).responseBodySize);
        });
        const firstNumber = () => page.waitForFunction(() => (window as unknown as { bench: { firstNumber: number | null } }).bench.firstNumber)
          .then((handle) => handle.jsonValue() as Promise<number>);
        await page.goto(`${server.url}/?key=${server.keys.display}`);
        cold.push(await firstNumber());
        coldLoad = false;
        await page.reload();
        warm.push(await firstNumber());
      } finally {
        await browser.dispose();
      }
    }
    const built = jsFiles(join(ROOT, 'web/build/client/_app/immutable'));
    const gzipKb = built.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0) / 1024;
    const transferredKb = [...transferred.values()].reduce((a, b) => a + b, 0) / 1024;
    console.log(
      `first load → live numbers: median ${fmt(median(cold))} ms with an empty cache, ${fmt(median(warm))} ms on reload ` +
      `(${LOADS} loads each) · goal < ${GOALS.firstLiveMs} ms: ${verdict(median(cold) < GOALS.firstLiveMs)}\n` +
      `JavaScript: ${fmt(gzipKb)} kB gzip in ${built.length} built chunks; a wall load transfers ${fmt(transferredKb)} kB of JavaScript ` +
      `(${transferred.size} files, compressed as served) · goal < ${GOALS.jsKb} kB gzip: ${verdict(gzipKb < GOALS.jsKb)}`,
    );
  });
});
