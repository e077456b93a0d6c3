/**
 * Days unattended, compressed: a kiosk rotating through the province and its districts in
 * Chromium, against the demo's fast replay, through server restarts (each replay starts afresh:
 * a new change log, so screens take a fresh snapshot) and offline spells of the browser. Every
 * minute it takes the heap after a forced garbage collection (DevTools HeapProfiler and
 * Runtime.getHeapUsage) and the live DOM nodes and listeners (Memory.getDOMCounters), and at
 * the end prints growth per hour after a warm-up: what matters is that it stays near zero.
 * Asserts nothing.
 *
 * Runs only on request, for as many minutes as asked:
 *   SOAK_MINUTES=30 pnpm -F @tiendo/test bench bench/soak.bench.ts
 * SOAK_WARMUP_MINUTES (default a quarter of the run, at least 3) are left out of the growth.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { hasChromium, launch } from '../helpers/browser.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 0);
const WARMUP = Number(process.env.SOAK_WARMUP_MINUTES ?? Math.max(3, Math.round(MINUTES / 4)));
/** A disturbance every few minutes, in turn: the browser offline for a while, then a server restart. */
const CYCLE_MINUTES = 5;
const OFFLINE_MS = 45_000;
const DOWN_MS = 15_000;
const ROTATE_S = 10;
/** The whole 2023 campaign (about 150 days) replays between two restarts. */
const REPLAY_DAYS_PER_MINUTE = String(Math.ceil(150 / CYCLE_MINUTES));

interface Sample {
  minute: number;
  view: string;
  heapMb: number;
  nodes: number;
  listeners: number;
  seq: string | null;
  event: string;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

if (!MINUTES) console.log('soak.bench.ts: skipped; set SOAK_MINUTES (at least 20 for figures worth reading) to run it.');

describe.skipIf(!hasChromium || !MINUTES)(`a kiosk left alone for ${MINUTES} minutes`, () => {
  let server: ServerProcess;
  let browser: Awaited<ReturnType<typeof launch>>;
  const env = { SIMULATION: 'replay', REPLAY_DAYS_PER_MINUTE };

  beforeAll(async () => {
    server = await startServer({ env });
    browser = await launch({ width: 1920, height: 1080 });
  });

  afterAll(async () => {
    await browser?.dispose();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  async function sample(page: Page, cdp: CDPSession, minute: number, event: string): Promise<Sample> {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const dom = await cdp.send('Memory.getDOMCounters');
    return {
      minute,
      view: new URL(page.url()).pathname,
      heapMb: heap.usedSize / 1048576,
      nodes: dom.nodes,
      listeners: dom.jsEventListeners,
      seq: await page.locator('main').getAttribute('data-seq').catch(() => null),
      event,
    };
  }

  it('keeps its heap and DOM flat', async () => {
    const page = await browser.newPage();
    const cdp = await browser.newCDPSession(page);
    // No key: the demo's display is public, and a replay's keys are new after every restart.
    await page.goto(`${server.url}/?kiosk=1&rotate=${ROTATE_S}`);
    await page.locator('[data-testid=counter-value]').first().waitFor({ timeout: 30_000 });
    await cdp.send('HeapProfiler.enable');

    const port = Number(new URL(server.url).port);
    const samples: Sample[] = [];
    const started = Date.now();
    const at = (minute: number) => started + minute * 60_000;
    const wait = (until: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())));
    let restarts = 0;
    let offlineSpells = 0;

    for (let minute = 1; minute <= MINUTES; minute++) {
      let event = '';
      const phase = minute % CYCLE_MINUTES;
      if (phase === 2) {
        await browser.setOffline(true);
        await wait(Date.now() + OFFLINE_MS);
        await browser.setOffline(false);
        offlineSpells++;
        event = 'offline 45 s';
      } else if (phase === 4) {
        await server.stop();
        await wait(Date.now() + DOWN_MS);
        server = await startServer({ env, port, dataDir: server.dataDir });
        restarts++;
        event = 'server restart';
      }
      await wait(at(minute));
      const s = await sample(page, cdp, minute, event);
      samples.push(s);
      console.log(`  ${String(minute).padStart(3)} min  heap ${s.heapMb.toFixed(2)} MB  nodes ${s.nodes}  listeners ${s.listeners}  ${s.view}  seq ${s.seq}  ${event}`);
    }

    const after = samples.filter((s) => s.minute > WARMUP);
    const perHour = (pick: (s: Sample) => number, of = after) => slope(of.map((s) => [s.minute / 60, pick(s)]));
    const wall = after.filter((s) => s.view === '/');
    const range = (pick: (s: Sample) => number) => `${Math.min(...after.map(pick)).toFixed(1)}–${Math.max(...after.map(pick)).toFixed(1)}`;
    console.log(`
  Soak: ${MINUTES} min, kiosk rotating every ${ROTATE_S} s, replay at ${REPLAY_DAYS_PER_MINUTE} days/min,
        ${restarts} server restarts (${DOWN_MS / 1000} s down each), ${offlineSpells} offline spells (${OFFLINE_MS / 1000} s each)
  After a ${WARMUP}-minute warm-up (${after.length} samples, any view; ${wall.length} on the province wall):
    heap after GC      ${range((s) => s.heapMb)} MB, growth ${perHour((s) => s.heapMb).toFixed(2)} MB/h${wall.length > 2 ? ` (wall view only: ${perHour((s) => s.heapMb, wall).toFixed(2)} MB/h)` : ''}
    DOM nodes          ${range((s) => s.nodes)}, growth ${perHour((s) => s.nodes).toFixed(0)} /h${wall.length > 2 ? ` (wall view only: ${perHour((s) => s.nodes, wall).toFixed(0)} /h)` : ''}
    event listeners    ${range((s) => s.listeners)}, growth ${perHour((s) => s.listeners).toFixed(0)} /h
`);
  }, (MINUTES + 5) * 60_000);
});
