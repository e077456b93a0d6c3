/**
 * Reports the demo campaign through the public ingestion API, as commune systems would:
 * end-of-day cumulative reports for the days before the demo started, then records through
 * the day (office hours busy, nights quiet, mobile teams uploading in evening bursts), with
 * the odd retry that resends a batch already delivered.
 */
import { Logger } from '@nestjs/common';
import { apportion, unitRandom } from './plan.js';
import { startOfLocalDay, type IngestEvent, type CumulativeReport } from '@tiendo/shared';
import { MAX_EVENTS_PER_REQUEST } from '@tiendo/shared/schemas';
import type { Clock } from '../services/clock.js';
import type { DemoPlan } from './demo-plan.js';

/** Relative activity by local hour. */
// Mobile teams visit the old and the sick at night too: nights are quiet, not silent.
const HOURLY = [0.8, 0.7, 0.7, 0.7, 0.7, 0.8, 1, 1.8, 3, 3, 3, 2, 1, 1.8, 3, 3, 3, 2, 1.2, 1.8, 2.2, 1.8, 1, 0.9];
const HOURLY_SUM = HOURLY.reduce((a, b) => a + b, 0);
const EVENING = (hour: number) => hour >= 19 && hour <= 22;
const RETRY_SHARE = 0.02;

export interface SimulatorOptions {
  baseUrl: string;
  ingestKey: string;
  campaign: string;
  timeZone: string;
  plan: DemoPlan;
  clock: Clock;
  /** At most this many records per commune, metric and day (1 makes a fast replay). */
  maxRecordsPerDay: number;
  /** Post the days before today as cumulative reports first (live mode). */
  backfill: boolean;
}

interface Planned extends IngestEvent {
  at: number;
}

export class Simulator {
  private readonly logger = new Logger('Simulator');
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly options: SimulatorOptions) {}

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }

  /** Runs until the plan is done (or `stop`); resolves then. */
  async run(): Promise<void> {
    const { clock, timeZone } = this.options;
    const dates = this.dates();
    // Live: the days before today are reported as totals first. A replay posts every record,
    // catching up at once on whatever its clock has already passed.
    let day = 0;
    if (this.options.backfill) {
      day = dates.findIndex((d) => startOfLocalDay(d, timeZone) + 86_400_000 > clock.now());
      if (day < 0) day = dates.length;
      if (day > 0) await this.backfill(dates.slice(0, day));
    }
    for (; day < dates.length && !this.stopped; day++) {
      const events = this.dayEvents(dates[day]);
      let next = 0;
      while (next < events.length && !this.stopped) {
        const now = clock.now();
        let end = next;
        while (end < events.length && events[end].at <= now) end++;
        await this.post(events.slice(next, end));
        next = end;
        if (next < events.length) await this.sleep(Math.min(1000, clock.realDelayUntil(events[next].at)));
      }
    }
    if (!this.stopped) this.logger.log('The campaign plan is complete.');
  }

  /** Every date on which some commune works, in order. */
  private dates(): string[] {
    const all = new Set<string>();
    for (const m of this.options.plan.metrics) for (const s of m.schedules) for (const d of s.days) all.add(d.date);
    return [...all].sort();
  }

  private async backfill(dates: string[]): Promise<void> {
    const { plan, campaign, timeZone } = this.options;
    const last = dates.at(-1)!;
    this.logger.log(`Reporting ${dates.length} past days as end-of-day totals…`);
    const reports: CumulativeReport[] = [];
    for (const date of dates) {
      for (const m of plan.metrics) {
        for (const s of m.schedules) {
          const index = s.days.findIndex((d) => d.date === date);
          if (index < 0) continue;
          const total = s.days.slice(0, index + 1).reduce((a, d) => a + d.gain, 0);
          reports.push({
            id: `sim:${m.key}:${s.unit}:${date}:close`, campaign, metric: m.key, unit: s.unit, total,
            asOf: new Date(startOfLocalDay(date, timeZone) + 20 * 3_600_000).toISOString(), source: 'Báo cáo lũy kế cuối ngày',
          });
        }
      }
    }
    for (let i = 0; i < reports.length && !this.stopped; i += MAX_EVENTS_PER_REQUEST) {
      await this.send('/api/v1/reports', { reports: reports.slice(i, i + MAX_EVENTS_PER_REQUEST) });
    }
    this.logger.log(`Past days reported, up to ${last}.`);
  }

  /** The records of one local date, in time order, with repeatable ids, sizes and times. */
  dayEvents(date: string): Planned[] {
    const { plan, campaign, timeZone, maxRecordsPerDay } = this.options;
    const dayStart = startOfLocalDay(date, timeZone);
    const out: Planned[] = [];
    for (const m of plan.metrics) {
      for (const s of m.schedules) {
        const gain = s.days.find((d) => d.date === date)?.gain ?? 0;
        if (gain <= 0) continue;
        const seed = `${m.key}:${s.unit}:${date}`;
        // Mostly one application a record, the way intake software reports.
        const count = Math.min(maxRecordsPerDay, gain);
        const sizes = apportion(gain, Array.from({ length: count }, (_, i) => 0.3 + unitRandom(`${seed}:size:${i}`)));
        // A mobile team uploads its evening's work at once.
        const eveningMinute = 19 * 60 + Math.floor(unitRandom(`${seed}:evening`) * 240);
        sizes.forEach((delta, i) => {
          if (delta <= 0) return;
          const hour = count === 1 ? 17 : pickHour(unitRandom(`${seed}:hour:${i}`));
          const at = EVENING(hour)
            ? dayStart + eveningMinute * 60_000
            : dayStart + hour * 3_600_000 + Math.floor(unitRandom(`${seed}:second:${i}`) * 3600) * 1000;
          out.push({
            id: `sim:${seed}:${i}`, campaign, metric: m.key, unit: s.unit, delta, occurredAt: new Date(at).toISOString(),
            source: EVENING(hour) ? 'Tổ thu nhận lưu động' : 'Phần mềm thu nhận xã', at,
          });
        });
      }
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** Each commune's system posts its own records; a few batches are sent twice. */
  private async post(due: Planned[]): Promise<void> {
    const byCommune = new Map<string, IngestEvent[]>();
    for (const { at: _at, ...event } of due) {
      const list = byCommune.get(event.unit);
      if (list) list.push(event);
      else byCommune.set(event.unit, [event]);
    }
    // A replay runs days in seconds: it sends full batches rather than one per commune.
    const batches = this.options.clock.rate > 1
      ? chunk(due.map(({ at: _at, ...e }) => e), MAX_EVENTS_PER_REQUEST)
      : [...byCommune.values()];
    for (const events of batches) {
      if (this.stopped) return;
      await this.send('/api/v1/events', { events });
      if (unitRandom(`retry:${events[0].id}`) < RETRY_SHARE) await this.send('/api/v1/events', { events });
    }
  }

  /** Posts with retries: a commune system keeps trying while the server or its database is away. */
  private async send(path: string, body: unknown): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const response = await fetch(`${this.options.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.ingestKey}` },
          body: JSON.stringify(body),
        });
        if (response.ok) return;
        const text = await response.text();
        if (response.status < 500) {
          this.logger.error(`${path} refused a batch: ${response.status} ${text}`);
          return;
        }
      } catch {
        // The server is restarting or unreachable: try again below.
      }
      await this.sleep(Math.min(10_000, 500 * 2 ** attempt));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}

function pickHour(r: number): number {
  let x = r * HOURLY_SUM;
  for (let h = 0; h < 24; h++) if ((x -= HOURLY[h]) < 0) return h;
  return 23;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
