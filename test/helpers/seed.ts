/**
 * Repeatable figures for the demo campaign, so that screens have something real to show: each
 * district at its own progress (from about half to done), each commune near its district's,
 * reported as cumulative totals ten days ago, yesterday and now, which gives pace, today's gain
 * and completions. A few requests instead of the live simulator's ten-second backfill.
 */
import { addDays, localDate, startOfLocalDay, type ReportBatchResult, type Snapshot } from '@tiendo/shared';
import { afterAll, beforeAll } from 'vitest';
import { get, post } from './api.js';
import { removeDir, startServer, type ServerProcess } from './server.js';

/** Progress of the districts in catalog order; one is done, one lags far behind. */
const DISTRICT_PROGRESS = [0.93, 0.81, 0.67, 0.88, 0.52, 1.0, 0.9, 0.74, 0.85, 0.96, 0.62, 0.99, 0.79];
/** eID runs behind the chip ID, and activation behind eID intake, more in some districts. */
function metricShare(metric: string, district: number): number {
  if (metric === 'eid2_intake') return 0.9;
  if (metric === 'eid2_activation') return 0.9 * (0.82 + 0.03 * (district % 5));
  return 1;
}
/** Share of the final total reported ten days ago and at yesterday's close. */
const STEPS = [
  { days: -10, share: 0.6 },
  { days: -1, share: 0.95 },
  { days: 0, share: 1 },
];

export async function snapshot(server: ServerProcess, scope = '42'): Promise<Snapshot> {
  return (await get<Snapshot>(server.url, `/api/v1/campaigns/ha-tinh/snapshot?scope=${scope}`, server.keys.display)).body;
}

/** Posts the figures and returns the province's snapshot once they are in. `quietToday`: communes that send nothing today. */
export async function seedProgress(server: ServerProcess, quietToday: ReadonlySet<string> = new Set()): Promise<Snapshot> {
  const before = await snapshot(server);
  const { timeZone } = before.campaign;
  const districts = before.units.filter((u) => u.level === 'district');
  const today = localDate(Date.now(), timeZone);
  for (const step of STEPS) {
    const asOf = step.days === 0 ? new Date().toISOString() : `${addDays(today, step.days)}T17:00:00+07:00`;
    const reports = [];
    for (const unit of before.values) {
      const commune = before.units.find((u) => u.code === unit.code);
      if (commune?.level !== 'commune' || (step.days === 0 && quietToday.has(commune.code))) continue;
      const index = districts.findIndex((d) => d.code === commune.parent);
      const district = DISTRICT_PROGRESS[index % DISTRICT_PROGRESS.length];
      // A spread of ±5% within a district, the same on every run.
      const spread = ((Number(commune.code) * 37) % 11 - 5) / 100;
      const share = district >= 1 ? 1 + Math.abs(spread) : Math.max(0.05, district + spread);
      for (const [metric, { target }] of Object.entries(unit.metrics)) {
        const total = Math.round(target * share * metricShare(metric, index) * step.share);
        // Totals of weeks of work at once: confirmed past the plausibility rule.
        reports.push({ id: `seed-${unit.code}-${metric}-${step.days}`, campaign: 'ha-tinh', metric, unit: unit.code, total, asOf, confirmed: true });
      }
    }
    const answer = await post<ReportBatchResult>(server.url, '/api/v1/reports', server.keys.ingest, { reports });
    if (answer.status !== 200) throw new Error(`seeding failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return snapshot(server);
}

/**
 * A demo server with the seeded figures, shared by the tests of one file: started before them,
 * stopped and removed after. A test may replace `server` (a restart on the same data).
 */
export function seededDemo(): { server: ServerProcess; seeded: Snapshot } {
  const demo = {} as { server: ServerProcess; seeded: Snapshot };
  beforeAll(async () => {
    demo.server = await startServer();
    demo.seeded = await seedProgress(demo.server);
  });
  afterAll(async () => {
    await demo.server?.stop();
    if (demo.server) removeDir(demo.server.dataDir);
  });
  return demo;
}

/**
 * When the campaign's midnight is less than `marginMs` away, waits until it has passed: a test
 * that reads a day's records back must not see them fall on two days, nor its demo seeded for one
 * day and asked on the next.
 */
export async function clearOfMidnight(marginMs = 90_000, timeZone = 'Asia/Ho_Chi_Minh'): Promise<void> {
  const left = startOfLocalDay(addDays(localDate(Date.now(), timeZone), 1), timeZone) - Date.now();
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 1000));
}
