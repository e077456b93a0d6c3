/**
 * A database outage is one event, not one error per request: the first failure logs a line
 * saying since when, every request meanwhile is answered 503 without a line of its own, and a
 * probe logs the end with the outage's duration and how many answers it cost.
 */
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Database } from '../database/database.js';

const PROBE_MS = 1000;

@Injectable()
export class DatabaseOutage implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private since: number | null = null;
  private refused = 0;
  private probe: NodeJS.Timeout | null = null;
  private probing = false;
  /** Outages since start, for the metrics. */
  count = 0;

  constructor(private readonly db: Database) {}

  get ongoing(): boolean {
    return this.since !== null;
  }

  /**
   * A request (answered 503) or a background read found the database unreachable. A pool
   * with every connection in use is no outage: the database answers, the server is busy.
   */
  unreachable(error: unknown, answered503 = true): void {
    if (this.db.exhausted(error)) return;
    if (this.since === null) this.open(error);
    if (answered503) this.refused++;
  }

  onApplicationShutdown(): void {
    if (this.probe) clearInterval(this.probe);
  }

  private open(error: unknown): void {
    this.since = Date.now();
    this.refused = 0;
    this.count++;
    this.logger.error({
      msg: `Database unreachable since ${new Date(this.since).toISOString()} (${describe(error)}); requests that need it are answered 503 until it is back`,
      outage: 'start', since: new Date(this.since).toISOString(),
    });
    this.probe = setInterval(() => void this.check(), PROBE_MS);
  }

  private async check(): Promise<void> {
    if (this.probing || this.since === null) return;
    this.probing = true;
    try {
      await this.db.em().execute('select 1');
    } catch {
      return;
    } finally {
      this.probing = false;
    }
    const since = this.since;
    const until = Date.now();
    const seconds = Math.round((until - since) / 100) / 10;
    clearInterval(this.probe!);
    this.probe = null;
    this.since = null;
    this.logger.warn({
      msg: `Database reachable again after ${seconds} s of outage (from ${new Date(since).toISOString()} to ${new Date(until).toISOString()}); ${this.refused} requests were answered 503`,
      outage: 'end', since: new Date(since).toISOString(), until: new Date(until).toISOString(), durationSeconds: seconds, refused: this.refused,
    });
  }
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string } | null;
  return [e?.code, e?.message?.split('\n')[0]].filter(Boolean).join(': ') || 'no answer';
}
