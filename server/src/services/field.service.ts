/**
 * What the field screens read: a commune's standing (its values, its rank among its siblings,
 * what each milestone needs per day, today's records, its records held for a chief) and the
 * communes of a scope that fell silent. Values come from the live tree in memory; records from
 * the event log.
 */
import { ForbiddenException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import {
  addDays, compareRank, derive, localDate, metricView, startOfLocalDay, type SilenceReport, type Standing,
} from '@tiendo/shared';
import { FieldRepository } from '../repositories/field.repository.js';
import { HeldRepository } from '../repositories/held.repository.js';
import type { Principal } from './auth.service.js';
import { Clock } from './clock.js';
import { heldView } from './held.service.js';
import type { LiveTree } from './live-tree.js';
import { LiveService } from './live.service.js';

const HOUR_MS = 3_600_000;
/** Decided held records stay in a commune's standing this long: as long as a phone keeps its counted records. */
const DECIDED_SHOWN_MS = 7 * 24 * HOUR_MS;

@Injectable()
export class FieldService {
  constructor(
    private readonly live: LiveService,
    private readonly repository: FieldRepository,
    private readonly held: HeldRepository,
    private readonly clock: Clock,
  ) {}

  async standing(principal: Principal, campaign: string, code: string | undefined): Promise<Standing> {
    if (!code) throw new UnprocessableEntityException('unit: required, the code of a commune');
    const { tree, unit } = this.readable(principal, campaign, code, 'unit');
    const info = tree.unit(unit)!;
    if (info.level !== 'commune') throw new UnprocessableEntityException(`unit: "${unit}" (${info.fullName}) is a ${info.level}, not a commune`);
    const parent = info.parent ? tree.unit(info.parent) ?? null : null;
    const siblings = parent ? tree.values(tree.scopeUnits(parent.code).filter((u) => u.parent === parent.code).map((u) => u.code)) : [];
    const [own] = tree.values([unit]);
    const now = this.clock.now();
    const metrics = tree.info.metrics.map(({ key }) => {
      const m = own.metrics[key];
      const ranked = siblings
        .map((s) => ({ code: s.code, value: s.metrics[key].value, target: s.metrics[key].target, completedAt: s.metrics[key].completedAt }))
        .sort(compareRank);
      const at = ranked.findIndex((s) => s.code === unit);
      return {
        metric: key, value: m.value, target: m.target, today: m.today, completedAt: m.completedAt,
        rank: at >= 0 ? at + 1 : null, of: ranked.length,
        derived: derive(m, metricView(tree.info, key), now),
      };
    });
    const today = localDate(now, tree.info.timeZone);
    const from = startOfLocalDay(today, tree.info.timeZone);
    const [entries, held] = await Promise.all([
      this.repository.entries(campaign, unit, from, startOfLocalDay(addDays(today, 1), tree.info.timeZone)),
      this.held.ofCommune(campaign, unit, now - DECIDED_SHOWN_MS),
    ]);
    return { campaign, unit: info, parent, serverTime: now, metrics, entries, held: held.map((h) => heldView(tree, h)) };
  }

  /** The communes of a scope with nothing received for `hours`, the never-heard first, then the longest silent. */
  async silence(principal: Principal, campaign: string, scope: string | undefined, hours: number): Promise<SilenceReport> {
    const { tree, unit } = this.readable(principal, campaign, scope ?? principal.scope, 'scope');
    const now = this.clock.now();
    const since = now - hours * HOUR_MS;
    const communes = tree.communesOf(unit);
    const silent = (await this.repository.silent(campaign, communes, since))
      .map((s) => {
        const info = tree.unit(s.unit)!;
        return { unit: s.unit, name: info.fullName, parentName: info.parent ? tree.unit(info.parent)?.fullName ?? null : null, last: s.last };
      })
      .sort((a, b) => (a.last?.receivedAt ?? '').localeCompare(b.last?.receivedAt ?? '') || a.unit.localeCompare(b.unit));
    return { campaign, scope: unit, hours, since: new Date(since).toISOString(), serverTime: now, communes: communes.length, silent };
  }

  /** The campaign's tree and the unit, which must lie in the reader's own scope (a public display does not open it). */
  private readable(principal: Principal, campaign: string, code: string, field: string): { tree: LiveTree; unit: string } {
    const resolved = this.live.resolve(campaign, code, field);
    if (!resolved.tree.within(resolved.unit, principal.scope)) {
      throw new ForbiddenException(`${field}: ${principal.personId ? 'you' : 'this key'} may only read unit ${principal.scope} and below, not ${resolved.unit}`);
    }
    return resolved;
  }
}
