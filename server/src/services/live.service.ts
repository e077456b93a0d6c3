/**
 * Keeps a live tree per campaign in memory and follows the change log: on every NOTIFY (from
 * any server instance) it reads the rows after the last sequence number it applied. Screens
 * are served from here, never from a query per message.
 */
import { gzipSync } from 'node:zlib';
import { Injectable, Logger, NotFoundException, Optional, UnprocessableEntityException, type OnApplicationShutdown } from '@nestjs/common';
import {
  addDays, localDate, packValues, PACE_DAYS,
  type ActivityItem, type BodyEncoding, type CampaignInfo, type LiveBody, type Snapshot,
} from '@tiendo/shared';
import { isDatabaseUnavailable } from '../common/errors.filter.js';
import { Database } from '../database/database.js';
import { DatabaseOutage } from '../observability/database-outage.js';
import { CONFIG_CHANNEL } from '../repositories/campaign-admin.repository.js';
import { LiveRepository } from '../repositories/live.repository.js';
import { Clock } from './clock.js';
import { LiveTree, type Completed, type Recount } from './live-tree.js';

const CATCH_UP_PAGE = 5000;
/** A NOTIFY can be lost while the listening connection is down: poll as a safety net. */
const POLL_MS = 2000;
const MAX_ACTIVITY = 50;
/**
 * The change log is only read forward from each instance's position, and a start loads from
 * the counters: rows older than a day are deleted. An instance cut off from the database for
 * half that long reloads in full rather than trust what is left of the log.
 */
const CHANGE_RETENTION_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface Flush {
  campaign: string;
  seq: number;
  changed: Set<string>;
  activity: ActivityItem[];
}

@Injectable()
export class LiveService implements OnApplicationShutdown {
  private readonly logger = new Logger(LiveService.name);
  private trees = new Map<string, LiveTree>();
  private appliedSeq = 0;
  private logEpoch = '';
  private activity = new Map<string, ActivityItem[]>();
  private catchingUp: Promise<void> | null = null;
  /** The highest sequence number announced since the last read began; Infinity when unknown. */
  private announced = 0;
  private stopListening: (() => Promise<void>) | null = null;
  private poll: NodeJS.Timeout | null = null;
  private prune: NodeJS.Timeout | null = null;
  private readonly appliedListeners: (() => void)[] = [];
  private readonly reloadedListeners: ((campaigns: string[]) => void)[] = [];
  private stopConfig: (() => Promise<void>) | null = null;
  /** Where this instance stood in the log, hourly: what lies a day behind can go. */
  private positions: { at: number; seq: number }[] = [];
  private lastRead = Date.now();
  private lastApplied = Date.now();
  private reloadDue = false;
  /** Units whose completion instant is to be recounted from the records, by campaign|metric|unit. */
  private recounts = new Map<string, Recount>();

  constructor(
    private readonly db: Database,
    private readonly repository: LiveRepository,
    private readonly clock: Clock,
    /** An unreachable database is one outage, logged at its start and end, not every 2 s. */
    @Optional() private readonly outage?: DatabaseOutage,
  ) {}

  /** Loads every campaign and starts following the change log. */
  async start(): Promise<void> {
    await this.reload();
    // A notification's payload is its commit's sequence number; anything else (none, after a
    // reconnection) reads whatever there is.
    this.stopListening = await this.db.listen((payload) => {
      const seq = Number(payload);
      void this.catchUp(payload && Number.isFinite(seq) ? seq : undefined);
    });
    this.stopConfig = await this.db.listen(() => void this.reloadEverywhere().catch((error) =>
      this.logger.warn(`Could not reload after a change of campaigns: ${(error as Error).message}`)), CONFIG_CHANNEL);
    this.poll = setInterval(() => void this.catchUp(), POLL_MS);
    this.prune = setInterval(() => void this.pruneChangeLog(Date.now()), PRUNE_EVERY_MS);
    await this.catchUp();
  }

  /** Deletes the change rows this instance read more than a day ago (`now` in wall-clock ms). */
  async pruneChangeLog(now: number): Promise<void> {
    this.positions.push({ at: now, seq: this.appliedSeq });
    const expired = this.positions.filter((p) => p.at <= now - CHANGE_RETENTION_MS);
    if (!expired.length) return;
    this.positions = this.positions.filter((p) => p.at > now - CHANGE_RETENTION_MS);
    try {
      await this.repository.deleteChangesUpTo(expired[expired.length - 1].seq);
    } catch (error) {
      this.logger.warn(`Could not prune the change log: ${(error as Error).message}`);
    }
  }

  /** Rebuilds every tree from the database (at start, and when campaigns or targets change). */
  async reload(): Promise<void> {
    const now = this.clock.now();
    const head = await this.repository.head();
    const trees = new Map<string, LiveTree>();
    let seq = Infinity;
    for (const info of await this.repository.campaigns()) {
      const units = await this.repository.subtree(info.rootUnit);
      const sinceDay = addDays(localDate(now, info.timeZone), -PACE_DAYS);
      const loaded = await this.repository.load(info, units, sinceDay);
      const tree = new LiveTree(loaded.state, loaded.seq, now);
      trees.set(info.id, tree);
      seq = Math.min(seq, loaded.seq);
      const verified = tree.verifyCompletions();
      if (verified.decided.length) await this.repository.recordCompletions(verified.decided, loaded.seq);
      this.queueRecounts(verified.recount);
    }
    this.trees = trees;
    // Trees loaded at different instants: replaying rows some already hold is harmless,
    // as rows carry absolute values.
    this.appliedSeq = Number.isFinite(seq) ? seq : head.seq;
    this.logEpoch = head.epoch;
  }

  /**
   * Rebuilds the live state after an admin changed campaigns, targets or units, then tells the
   * screens. The change itself notifies every other instance (CONFIG_CHANNEL), which do the
   * same. It runs in turn with the change reader, so the two never interleave.
   */
  async reloadEverywhere(): Promise<void> {
    this.reloadDue = true;
    await this.catchUp();
  }

  /** Called with the campaigns whose definition may have changed. */
  onReloaded(listener: (campaigns: string[]) => void): void {
    this.reloadedListeners.push(listener);
  }

  get seq(): number {
    return this.appliedSeq;
  }

  /** When the change log was last read (wall-clock ms): readiness needs it recent. */
  get lastReadAt(): number {
    return this.lastRead;
  }

  /** When a change was last applied (wall-clock ms). */
  get lastAppliedAt(): number {
    return this.lastApplied;
  }

  /** The identity of the change log this instance follows. */
  get epoch(): string {
    return this.logEpoch;
  }

  campaigns(): CampaignInfo[] {
    return [...this.trees.values()].map((t) => t.info);
  }

  tree(campaign: string): LiveTree | undefined {
    return this.trees.get(campaign);
  }

  /** The campaign's tree and a unit of it (its root when none is given), or a 404/422 naming the field. */
  resolve(campaign: string, unit: string | undefined, field: string): { tree: LiveTree; unit: string } {
    const tree = this.trees.get(campaign);
    if (!tree) throw new NotFoundException(`campaign: unknown campaign "${campaign}"`);
    const code = unit?.trim() || tree.info.rootUnit;
    if (!tree.has(code)) throw new UnprocessableEntityException(`${field}: "${code}" is not a unit of campaign "${campaign}"`);
    return { tree, unit: code };
  }

  /** The scope's units down to `depth` levels (null: all) with their values. */
  snapshot(campaign: string, scope: string, depth: number | null = null): Snapshot | null {
    const tree = this.trees.get(campaign);
    if (!tree?.has(scope)) return null;
    const { units } = tree.catalog(scope, depth);
    return {
      epoch: this.logEpoch, campaign: tree.info, scope, seq: this.appliedSeq, serverTime: this.clock.now(),
      units, values: tree.values(units.map((u) => u.code)),
    };
  }

  /**
   * The body of a subscribe reply (see `LiveBody`) as it goes over the wire: a snapshot's when
   * `since` is null, else the values changed after it.
   */
  replyBody(tree: LiveTree, scope: string, depth: number | null, since: number | null, encoding: BodyEncoding): Buffer {
    const body: LiveBody = since === null
      ? { campaign: tree.info, values: packValues(tree.values(tree.catalog(scope, depth).units.map((u) => u.code))) }
      : { values: packValues(tree.changedSince(scope, depth, since)) };
    const json = Buffer.from(JSON.stringify(body));
    return encoding === 'gzip' ? gzipSync(json) : json;
  }

  /**
   * Reads and applies everything committed after the last applied sequence number. Calls
   * that arrive while one runs are folded into one more run. A call naming the sequence number
   * its commit announced reads nothing when that number has been applied already (a read often
   * finds the rows of commits whose notifications are still on their way).
   */
  catchUp(announcedSeq?: number): Promise<void> {
    this.announced = Math.max(this.announced, announcedSeq ?? Infinity);
    if (this.catchingUp) return this.catchingUp;
    if (this.announced <= this.appliedSeq) return Promise.resolve();
    this.catchingUp = (async () => {
      try {
        do {
          this.announced = 0;
          await this.readChanges();
        } while (this.announced > this.appliedSeq);
      } catch (error) {
        if (this.outage && isDatabaseUnavailable(error)) this.outage.unreachable(error, false);
        else this.logger.warn(`Could not read the change log: ${(error as Error).message}`);
      } finally {
        this.catchingUp = null;
      }
    })();
    return this.catchingUp;
  }

  /** Called after changes have been applied to the trees. */
  onApplied(listener: () => void): void {
    this.appliedListeners.push(listener);
  }

  /** What changed since the last call, per campaign; also turns the day where it has turned. */
  drain(): Flush[] {
    const now = this.clock.now();
    const flushes: Flush[] = [];
    for (const tree of this.trees.values()) {
      tree.rollDay(now, this.appliedSeq);
      const changed = tree.drain();
      const activity = this.activity.get(tree.campaign) ?? [];
      this.activity.delete(tree.campaign);
      if (changed.size || activity.length) flushes.push({ campaign: tree.campaign, seq: this.appliedSeq, changed, activity });
    }
    return flushes;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    if (this.prune) clearInterval(this.prune);
    await this.stopListening?.();
    await this.stopConfig?.();
    await this.catchingUp;
  }

  private async readChanges(): Promise<void> {
    if (this.reloadDue) {
      this.reloadDue = false;
      const before = [...this.trees.keys()];
      try {
        await this.reload();
      } catch (error) {
        this.reloadDue = true;
        throw error;
      }
      for (const tree of this.trees.values()) tree.touchAll();
      const campaigns = [...new Set([...before, ...this.trees.keys()])];
      for (const listener of this.reloadedListeners) listener(campaigns);
    }
    if (Date.now() - this.lastRead > CHANGE_RETENTION_MS / 2) {
      await this.reload();
      for (const tree of this.trees.values()) tree.touchAll();
    }
    for (;;) {
      const rows = await this.repository.changesAfter(this.appliedSeq, CATCH_UP_PAGE);
      this.lastRead = Date.now();
      if (!rows.length) break;
      // Sequence numbers are taken under a lock held to the commit, so they commit in order: a
      // short page is everything committed when it was read; later commits announce themselves.
      const more = rows.length >= CATCH_UP_PAGE;
      const decided: Completed[] = [];
      for (const row of rows) {
        const tree = this.trees.get(row.campaign);
        if (!tree) continue;
        const applied = tree.apply(row);
        decided.push(...applied.decided);
        this.queueRecounts(applied.recount);
        // Rows of one batch for other days of the same commune carry the same value: no news.
        if (applied.delta !== 0) {
          const items = this.activity.get(row.campaign) ?? this.activity.set(row.campaign, []).get(row.campaign)!;
          items.push({ unit: row.unit, metric: row.metric, delta: applied.delta, occurredAt: row.occurredAt });
        }
      }
      for (const [campaign, items] of this.activity) {
        if (items.length > MAX_ACTIVITY) this.activity.set(campaign, items.slice(-MAX_ACTIVITY));
      }
      this.appliedSeq = rows[rows.length - 1].seq;
      this.lastApplied = Date.now();
      for (const listener of this.appliedListeners) listener();
      if (decided.length) await this.repository.recordCompletions(decided, this.appliedSeq);
      if (!more) break;
    }
    await this.recount();
  }

  private queueRecounts(units: Recount[]): void {
    for (const u of units) this.recounts.set(`${u.campaign}|${u.metric}|${u.unit}`, u);
  }

  /**
   * Recounts the completion instants a late record or a correction may have moved, from the
   * records themselves; what changes goes out with the next flush.
   */
  private async recount(): Promise<void> {
    const queued = [...this.recounts.values()];
    this.recounts.clear();
    const decided: Completed[] = [];
    for (const [i, u] of queued.entries()) {
      const tree = this.trees.get(u.campaign);
      if (!tree?.has(u.unit)) continue;
      try {
        const at = await this.repository.completionInstant(u.campaign, tree.info.timeZone, u.metric, tree.communesOf(u.unit), u.target);
        if (tree.setCompletion(u.unit, u.metric, at)) decided.push({ campaign: u.campaign, metric: u.metric, unit: u.unit, completedAt: at });
      } catch (error) {
        this.queueRecounts(queued.slice(i));
        throw error;
      }
    }
    if (!decided.length) return;
    await this.repository.recordCompletions(decided, this.appliedSeq);
    for (const listener of this.appliedListeners) listener();
  }
}
