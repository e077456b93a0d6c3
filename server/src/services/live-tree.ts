/**
 * The live state of one campaign: every unit of its tree with, per metric, the value, target,
 * today's gain, the last 7 full days' gain and the completion instant. Communes hold the truth
 * (from the change log); every higher unit is kept as the sum of its children, updated by
 * differences so that one change costs the depth of the tree, not its size.
 *
 * Completion follows the values in time order: a unit is complete since the instant from which
 * it has stood at or above its target. A correction that takes it below withdraws the
 * completion; a record in time order that lifts it over sets it. A late record, or a
 * correction, may move that instant: such units are listed for an exact recount from the
 * records (LiveService does it), never guessed.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { addDays, localDate, PACE_DAYS, type CampaignInfo, type MetricValue, type UnitCatalog, type UnitInfo, type UnitValues } from '@tiendo/shared';
import type { CampaignState, ChangeRow } from '../repositories/live.repository.js';

interface Cell {
  value: number;
  target: number;
  /** Set on this unit explicitly; otherwise the target is the children's sum. */
  explicitTarget: number | null;
  today: number;
  last7: number;
  completedAt: number | null;
  /** When the latest record counted here happened. */
  lastAt: number;
}

/** A subscription's units, their version, and their answer as JSON, serialized and gzipped once. */
export interface Catalog {
  units: UnitInfo[];
  version: string;
  body(): { json: Buffer; gzip: Buffer };
}

/** What the plausibility rule judges a commune's records by. */
export interface CommuneStats {
  target: number;
  /** The largest gain of one day so far. */
  bestDay: number;
  /** Days with records. */
  activeDays: number;
}

interface Node {
  info: UnitInfo;
  parent: Node | null;
  children: Node[];
  cells: Map<string, Cell>;
  /** Communes only: metric -> local date -> gain, for the pace window. */
  days: Map<string, Map<string, number>> | null;
  /** Communes only: metric -> best day and days with records. */
  stats: Map<string, { bestDay: number; activeDays: number }> | null;
  /** Sequence number of the last change that touched this unit. */
  changedSeq: number;
}

/** A unit's completion as decided: since when it stands at or above its target, or null. */
export interface Completed {
  campaign: string;
  metric: string;
  unit: string;
  completedAt: number | null;
}

/** A unit whose completion instant must be recounted from the records. */
export interface Recount {
  campaign: string;
  metric: string;
  unit: string;
  target: number;
}

export class LiveTree {
  readonly info: CampaignInfo;
  private readonly nodes = new Map<string, Node>();
  /** Parents before children. */
  private readonly order: Node[] = [];
  private today: string;
  /** Resumes from at or before this seq get every value (today's gain may have reset). */
  private fullResendUpTo: number;
  /** Units changed since the last drain. */
  private dirty = new Set<string>();
  /** Unit lists by scope and depth, with their version: the tree's units never change. */
  private readonly catalogs = new Map<string, Catalog>();

  constructor(state: CampaignState, seq: number, now: number) {
    this.info = state.info;
    this.today = localDate(now, this.info.timeZone);
    this.fullResendUpTo = seq;
    for (const info of state.units) {
      const parent = info.parent ? this.nodes.get(info.parent) ?? null : null;
      const node: Node = {
        info, parent, children: [], cells: new Map(), changedSeq: 0,
        days: info.level === 'commune' ? new Map(this.info.metrics.map((m) => [m.key, new Map()])) : null,
        stats: info.level === 'commune' ? new Map(this.info.metrics.map((m) => [m.key, { bestDay: 0, activeDays: 0 }])) : null,
      };
      for (const m of this.info.metrics) {
        node.cells.set(m.key, { value: 0, target: 0, explicitTarget: null, today: 0, last7: 0, completedAt: null, lastAt: 0 });
      }
      parent?.children.push(node);
      this.nodes.set(info.code, node);
      this.order.push(node);
    }
    for (const t of state.targets) {
      const cell = this.nodes.get(t.unit)?.cells.get(t.metric);
      if (cell) cell.explicitTarget = t.target;
    }
    for (const c of state.counters) {
      const node = this.nodes.get(c.unit);
      const cell = node?.cells.get(c.metric);
      if (!node || !cell) continue;
      cell.value = c.value;
      cell.lastAt = c.lastAt;
    }
    for (const d of state.days) this.nodes.get(d.unit)?.days?.get(d.metric)?.set(d.day, d.value);
    for (const b of state.best) this.nodes.get(b.unit)?.stats?.set(b.metric, { bestDay: b.bestDay, activeDays: b.activeDays });
    for (const c of state.completions) {
      const cell = this.nodes.get(c.unit)?.cells.get(c.metric);
      if (cell) cell.completedAt = c.completedAt;
    }
    this.recompute();
  }

  get campaign(): string {
    return this.info.id;
  }

  has(code: string): boolean {
    return this.nodes.has(code);
  }

  unit(code: string): UnitInfo | undefined {
    return this.nodes.get(code)?.info;
  }

  /** True when `code` is `scope` or lies below it. */
  within(code: string, scope: string): boolean {
    return this.distance(code, scope) >= 0;
  }

  /** How many levels `code` lies below `scope` (0 for the scope itself), or -1 when not below it. */
  distance(code: string, scope: string): number {
    let d = 0;
    for (let n = this.nodes.get(code) ?? null; n; n = n.parent, d++) if (n.info.code === scope) return d;
    return -1;
  }

  /** Whether a subscription to `scope` down to `depth` levels (null: all) holds `code`. */
  covers(code: string, scope: string, depth: number | null): boolean {
    const d = this.distance(code, scope);
    return d >= 0 && (depth === null || d <= depth);
  }

  /** Parent after parent, from the unit up to the root. */
  ancestry(code: string): UnitInfo[] {
    const out: UnitInfo[] = [];
    for (let n = this.nodes.get(code) ?? null; n; n = n.parent) out.push(n.info);
    return out;
  }

  /** The scope unit and its descendants down to `depth` levels (null: all), parents first. */
  scopeUnits(scope: string, depth: number | null = null): UnitInfo[] {
    return this.order.filter((n) => this.covers(n.info.code, scope, depth)).map((n) => n.info);
  }

  /** The units of a subscription and their version, which changes only when they do. */
  catalog(scope: string, depth: number | null): Catalog {
    const key = `${scope}|${depth}`;
    let catalog = this.catalogs.get(key);
    if (!catalog) {
      const units = this.scopeUnits(scope, depth);
      const version = createHash('sha256').update(JSON.stringify([this.info.id, units])).digest('base64url').slice(0, 16);
      let answer: { json: Buffer; gzip: Buffer } | null = null;
      // Serialized and compressed once, on first demand: every screen of the scope gets these bytes.
      const body = () => {
        if (!answer) {
          const json = Buffer.from(JSON.stringify({ campaign: this.info.id, scope, depth, version, units } satisfies UnitCatalog));
          answer = { json, gzip: gzipSync(json) };
        }
        return answer;
      };
      catalog = { units, version, body };
      this.catalogs.set(key, catalog);
    }
    return catalog;
  }

  /** Communes below (or at) a unit. */
  communesOf(scope: string): string[] {
    return this.order.filter((n) => n.info.level === 'commune' && this.within(n.info.code, scope)).map((n) => n.info.code);
  }

  values(codes: Iterable<string>): UnitValues[] {
    const out: UnitValues[] = [];
    for (const code of codes) {
      const node = this.nodes.get(code);
      if (node) out.push(this.valuesOf(node));
    }
    return out;
  }

  /** Whether a resume from `since` must get every value (today's gain may have reset since). */
  resendsAll(since: number): boolean {
    return since <= this.fullResendUpTo;
  }

  /** Values of the subscription's units changed after `since`: every unit when `since` is too old to tell. */
  changedSince(scope: string, depth: number | null, since: number): UnitValues[] {
    const full = this.resendsAll(since);
    return this.order
      .filter((n) => (full || n.changedSeq > since) && this.covers(n.info.code, scope, depth))
      .map((n) => this.valuesOf(n));
  }

  /**
   * Applies one change row (absolute values of a commune). Returns how much the commune's
   * value moved, the completions it decided (set or withdrawn) and the units whose completion
   * instant must be recounted from the records.
   */
  apply(row: ChangeRow): { delta: number; decided: Completed[]; recount: Recount[] } {
    const node = this.nodes.get(row.unit);
    const cell = node?.cells.get(row.metric);
    const days = node?.days?.get(row.metric);
    if (!node || !cell || !days) return { delta: 0, decided: [], recount: [] };

    const valueDelta = row.value - cell.value;
    let todayDelta = 0;
    let last7Delta = 0;
    const windowStart = addDays(this.today, -PACE_DAYS);
    const stats = node.stats!.get(row.metric)!;
    stats.bestDay = Math.max(stats.bestDay, row.dayValue);
    if (row.day >= windowStart) {
      const before = days.get(row.day);
      const dayDelta = row.dayValue - (before ?? 0);
      days.set(row.day, row.dayValue);
      if (row.day === this.today) todayDelta = dayDelta;
      else if (row.day < this.today) last7Delta = dayDelta;
      if (before === undefined) stats.activeDays++;
    }

    const decided: Completed[] = [];
    const recount: Recount[] = [];
    for (let n: Node | null = node; n; n = n.parent) {
      const c = n.cells.get(row.metric)!;
      c.value += valueDelta;
      c.today += todayDelta;
      c.last7 += last7Delta;
      n.changedSeq = row.seq;
      this.dirty.add(n.info.code);
      const late = row.firstAt < c.lastAt;
      c.lastAt = Math.max(c.lastAt, row.occurredAt);
      const unit = { campaign: this.info.id, metric: row.metric, unit: n.info.code };
      if (!(c.target > 0 && c.value >= c.target)) {
        if (c.completedAt !== null) {
          c.completedAt = null;
          decided.push({ ...unit, completedAt: null });
        }
      } else if (c.completedAt === null) {
        // In time order, the batch's latest record crossed the target; otherwise recount.
        c.completedAt = row.occurredAt;
        decided.push({ ...unit, completedAt: row.occurredAt });
        if (late || row.negative || row.firstAt !== row.occurredAt) recount.push({ ...unit, target: c.target });
      } else if (row.firstAt < c.completedAt || row.negative) {
        recount.push({ ...unit, target: c.target });
      }
    }
    return { delta: valueDelta, decided, recount };
  }

  /** Sets a unit's completion as recounted from the records. */
  setCompletion(code: string, metric: string, completedAt: number | null): boolean {
    const node = this.nodes.get(code);
    const cell = node?.cells.get(metric);
    if (!node || !cell || cell.completedAt === completedAt) return false;
    cell.completedAt = completedAt;
    this.dirty.add(code);
    return true;
  }

  /**
   * Completions that disagree with the values, e.g. after a restart or a change of targets:
   * those standing below their target are withdrawn at once (returned as decided), those at
   * or above it without an instant are to be recounted.
   */
  verifyCompletions(): { decided: Completed[]; recount: Recount[] } {
    const decided: Completed[] = [];
    const recount: Recount[] = [];
    for (const n of this.order) {
      for (const [metric, c] of n.cells) {
        const unit = { campaign: this.info.id, metric, unit: n.info.code };
        const complete = c.target > 0 && c.value >= c.target;
        if (!complete && c.completedAt !== null) {
          c.completedAt = null;
          this.dirty.add(n.info.code);
          decided.push({ ...unit, completedAt: null });
        } else if (complete && c.completedAt === null) {
          recount.push({ ...unit, target: c.target });
        }
      }
    }
    return { decided, recount };
  }

  /** Every unit's target for a metric, and whether it is its own or its children's sum. */
  targets(metric: string): { unit: string; target: number; explicit: boolean }[] {
    return this.order.map((n) => {
      const c = n.cells.get(metric);
      return { unit: n.info.code, target: c?.target ?? 0, explicit: c?.explicitTarget != null };
    });
  }

  /** A commune's target, best day and days with records for a metric; undefined for other units. */
  commune(code: string, metric: string): CommuneStats | undefined {
    const node = this.nodes.get(code);
    const stats = node?.stats?.get(metric);
    const cell = node?.cells.get(metric);
    return stats && cell ? { target: cell.target, ...stats } : undefined;
  }

  /**
   * When the local date has turned, today's gain becomes history: recompute the windows and
   * mark every unit changed. Returns whether it happened.
   */
  rollDay(now: number, seq: number): boolean {
    const today = localDate(now, this.info.timeZone);
    if (today === this.today) return false;
    this.today = today;
    this.fullResendUpTo = seq;
    this.recompute();
    this.touchAll();
    return true;
  }

  /** Marks every unit changed, so that the next flush sends them all. */
  touchAll(): void {
    for (const n of this.order) this.dirty.add(n.info.code);
  }

  /** The units changed since the last call. */
  drain(): Set<string> {
    const dirty = this.dirty;
    this.dirty = new Set();
    return dirty;
  }

  private valuesOf(node: Node): UnitValues {
    const metrics: Record<string, MetricValue> = {};
    for (const [key, c] of node.cells) {
      metrics[key] = { value: c.value, target: c.target, today: c.today, last7: c.last7, completedAt: c.completedAt };
    }
    return { code: node.info.code, metrics };
  }

  /** Rebuilds windows and sums bottom-up, from the communes' values and days. */
  private recompute(): void {
    const windowStart = addDays(this.today, -PACE_DAYS);
    for (let i = this.order.length - 1; i >= 0; i--) {
      const node = this.order[i];
      for (const [metric, cell] of node.cells) {
        if (node.days) {
          const days = node.days.get(metric)!;
          cell.today = 0;
          cell.last7 = 0;
          for (const [day, gain] of days) {
            if (day < windowStart) days.delete(day);
            else if (day === this.today) cell.today = gain;
            else if (day < this.today) cell.last7 += gain;
          }
          cell.target = cell.explicitTarget ?? 0;
        } else {
          let value = 0, today = 0, last7 = 0, target = 0, lastAt = 0;
          for (const child of node.children) {
            const c = child.cells.get(metric)!;
            value += c.value;
            today += c.today;
            last7 += c.last7;
            target += c.target;
            lastAt = Math.max(lastAt, c.lastAt);
          }
          Object.assign(cell, { value, today, last7, lastAt, target: cell.explicitTarget ?? target });
        }
        if (node.changedSeq === 0 && node.children.length) {
          node.changedSeq = Math.max(...node.children.map((c) => c.changedSeq));
        }
      }
    }
  }
}
