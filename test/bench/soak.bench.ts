/**
 * Days unattended, compressed: a kiosk rotating through the province and its districts in
 * Chromium, against the demo's fast replay, through server restarts (each replay starts afresh:
 * a new change log, so screens take a fresh snapshot) and offline spells of the browser. Each
 * time the rotation comes back to the province wall (about every minute) it takes the heap
 * after a forced garbage collection (DevTools HeapProfiler and Runtime.getHeapUsage) and the
 * live DOM nodes and listeners (Memory.getDOMCounters): always on the same view, so that the
 * figures compare. At the end it prints growth per hour after a warm-up, by least squares:
 * what matters is that it stays near zero. Asserts nothing.
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
/** A disturbance every few minutes, in turn: the browser offline for a while, or a server restart. */
const DISTURB_EVERY_MS = 150_000;
const OFFLINE_MS = 45_000;
const DOWN_MS = 15_000;
/** A restart on a loaded machine may be slow; the soak is about the screen, so it waits. */
const START_TIMEOUT_MS = 900_000;
/** Fourteen views (the province and its thirteen districts): back on the wall every 70 s. */
const ROTATE_S = 5;
/** The whole 2023 campaign (about 150 days) replays between two restarts. */
const REPLAY_DAYS_PER_MINUTE = String(Math.ceil(150 / ((2 * DISTURB_EVERY_MS) / 60_000)));

interface Sample {
  minute: number;
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
    server = await startServer({ env, startTimeoutMs: START_TIMEOUT_MS });
    browser = await launch({ width: 1920, height: 1080 });
  });

  afterAll(async () => {
    await browser?.dispose();
    await server?.stop();
    if (server) removeDir(server.dataDir);
  });

  const onWall = (page: Page) => new URL(page.url()).pathname === '/';
  async function until(test: () => boolean, timeoutMs = 180_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > end) throw new Error('the kiosk stopped rotating');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function sample(page: Page, cdp: CDPSession, minute: number, event: string): Promise<Sample> {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const dom = await cdp.send('Memory.getDOMCounters');
    return {
      minute,
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
    let nextDisturbance = started + DISTURB_EVERY_MS;
    let restarts = 0;
    let offlineSpells = 0;
    let event = '';

    while (Date.now() < started + MINUTES * 60_000) {
      // Leave the wall, come back to it, let it settle, then measure.
      await until(() => !onWall(page));
      await until(() => onWall(page));
      await page.waitForTimeout(2000);
      const s = await sample(page, cdp, (Date.now() - started) / 60_000, event);
      samples.push(s);
      console.log(`  ${s.minute.toFixed(1).padStart(5)} min  heap ${s.heapMb.toFixed(2)} MB  nodes ${s.nodes}  listeners ${s.listeners}  seq ${s.seq}  ${event}`);
      event = '';

      if (Date.now() < nextDisturbance) continue;
      nextDisturbance += DISTURB_EVERY_MS;
      if (offlineSpells <= restarts) {
        await browser.setOffline(true);
        await page.waitForTimeout(OFFLINE_MS);
        await browser.setOffline(false);
        offlineSpells++;
        event = `after ${OFFLINE_MS / 1000} s offline`;
      } else {
        await server.stop();
        await page.waitForTimeout(DOWN_MS);
        server = await startServer({ env, port, dataDir: server.dataDir, startTimeoutMs: START_TIMEOUT_MS });
        restarts++;
        event = 'after a server restart';
      }
    }

    const after = samples.filter((s) => s.minute > WARMUP);
    const perHour = (pick: (s: Sample) => number) => slope(after.map((s) => [s.minute / 60, pick(s)]));
    const range = (pick: (s: Sample) => number, digits: number) =>
      `${Math.min(...after.map(pick)).toFixed(digits)}–${Math.max(...after.map(pick)).toFixed(digits)}`;
    console.log(`
  Soak: ${MINUTES} min, kiosk rotating every ${ROTATE_S} s through 14 views, replay at ${REPLAY_DAYS_PER_MINUTE} days/min,
        ${restarts} server restarts (${DOWN_MS / 1000} s down each), ${offlineSpells} offline spells (${OFFLINE_MS / 1000} s each)
  On the province wall, after a ${WARMUP}-minute warm-up (${after.length} samples):
    heap after GC      ${range((s) => s.heapMb, 2)} MB, growth ${perHour((s) => s.heapMb).toFixed(2)} MB/h
    DOM nodes          ${range((s) => s.nodes, 0)}, growth ${perHour((s) => s.nodes).toFixed(0)} /h
    event listeners    ${range((s) => s.listeners, 0)}, growth ${perHour((s) => s.listeners).toFixed(0)} /h
`);
  }, (MINUTES + 8) * 60_000);
});
