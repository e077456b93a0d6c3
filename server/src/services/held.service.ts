/**
 * A chief's decision on the records the plausibility rule held (see IngestService): confirmed,
 * a record is counted at its own instant as its officer sent it (a report's total is judged
 * against the value as of its instant at the moment of confirming), stored as confirmed and
 * audited with the chief as the one who confirmed; rejected, it is never counted, and the
 * chief's reason goes back to the officer's phone. A record is decided once: the same decision
 * by the same person again is answered as it stands (a retry after a lost answer), any other
 * is a 409 naming who decided and when.
 */
import { ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { localDate, type HeldList, type HeldRecord } from '@tiendo/shared';
import { heldConfirmSchema, heldRejectSchema } from '@tiendo/shared/schemas';
import { actorOf } from '../admin/actor.js';
import { AuditRepository, type Actor, type AuditInput } from '../repositories/audit.repository.js';
import { HeldRepository, type StoredHeld } from '../repositories/held.repository.js';
import { IngestRepository, type NewEvent } from '../repositories/ingest.repository.js';
import type { Principal } from './auth.service.js';
import { parseBody } from './ingest.service.js';
import type { LiveTree } from './live-tree.js';
import { LiveService } from './live.service.js';

type Decision = 'confirmed' | 'rejected';

@Injectable()
export class HeldService {
  constructor(
    private readonly live: LiveService,
    private readonly held: HeldRepository,
    private readonly counts: IngestRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** The records of a scope waiting for a decision, oldest first. */
  async list(principal: Principal, campaign: string, scope: string | undefined): Promise<HeldList> {
    const { tree, unit } = this.live.resolve(campaign, scope ?? principal.scope, 'scope');
    if (!tree.within(unit, principal.scope)) {
      throw new ForbiddenException(`scope: ${principal.personId ? 'you' : 'this key'} may only review unit ${principal.scope} and below, not ${unit}`);
    }
    const waiting = await this.held.waiting(campaign, tree.communesOf(unit));
    return { campaign, scope: unit, held: waiting.map((h) => heldView(tree, h)) };
  }

  async confirm(principal: Principal, campaign: string, id: number, body: unknown): Promise<HeldRecord> {
    parseBody(heldConfirmSchema, body ?? {});
    const { tree, current } = await this.decidable(principal, campaign, id);
    if (current.status !== 'held') return this.settled(tree, current, 'confirmed', principal);
    const actor = actorOf(principal);
    // Set in the transaction: the record as decided there (null: another decision got in first), and what it counted.
    const done: { held: StoredHeld | null; delta: number } = { held: null, delta: 0 };
    await this.counts.appendDecided(async (reader, em) => {
      const h = await this.held.decide(em, campaign, id, 'confirmed', actor, null);
      done.held = h;
      if (!h) return [];
      let delta = h.delta;
      if (h.total !== null) {
        const report = { campaign, sender: h.senderScope, id: h.recordId, path: 'id', metric: h.metric, unit: h.unit, total: h.total, asOf: h.occurredAt, source: h.source };
        const [value] = await reader.valuesAt([{ campaign, metric: h.metric, unit: h.unit, at: h.occurredAt }]);
        delta = h.total - value;
        if (delta < 0 && !h.reason) {
          throw new UnprocessableEntityException(
            `id: the total ${h.total} is now below the value ${value} of ${h.metric} for unit ${h.unit} as of ${h.occurredAt}; ` +
            'counting it would take something back without a reason: reject it instead',
          );
        }
        await reader.recordReports([report]);
      }
      done.delta = delta;
      return delta === 0 ? [] : [recordOf(tree, h, delta)];
    }, async (em) => {
      if (done.held) await this.audit.record(em, actor, [confirmation(done.held, done.delta)]);
    });
    if (!done.held) return this.settled(tree, (await this.held.get(campaign, id))!, 'confirmed', principal);
    return heldView(tree, (await this.held.get(campaign, id))!);
  }

  async reject(principal: Principal, campaign: string, id: number, body: unknown): Promise<HeldRecord> {
    const { reason } = parseBody(heldRejectSchema, body);
    const { tree, current } = await this.decidable(principal, campaign, id);
    if (current.status !== 'held') return this.settled(tree, current, 'rejected', principal);
    const actor = actorOf(principal);
    const decided = await this.held.reject(campaign, id, actor, reason, (em, h) => this.audit.record(em, actor, [rejection(h, reason)]));
    if (!decided) return this.settled(tree, (await this.held.get(campaign, id))!, 'rejected', principal);
    return heldView(tree, decided);
  }

  /** The held record, which must exist and lie in the decider's scope. */
  private async decidable(principal: Principal, campaign: string, id: number): Promise<{ tree: LiveTree; current: StoredHeld }> {
    const { tree } = this.live.resolve(campaign, undefined, 'campaign');
    const current = await this.held.get(campaign, id);
    if (!current) throw new NotFoundException(`held: campaign "${campaign}" has no held record ${id}`);
    if (!tree.within(current.unit, principal.scope)) {
      throw new ForbiddenException(`held: record ${id} is of ${tree.unit(current.unit)?.fullName ?? current.unit}, outside your unit ${principal.scope}`);
    }
    return { tree, current };
  }

  /** A record decided already: the same decision by the same decider is its answer again; anything else a conflict. */
  private settled(tree: LiveTree, current: StoredHeld, wanted: Decision, principal: Principal): HeldRecord {
    if (current.status === wanted && sameDecider(current, actorOf(principal))) return heldView(tree, current);
    throw new ConflictException(
      `held: record ${current.id} was ${current.status} by ${current.decision!.by} at ${current.decision!.at}` +
      `${current.decision!.reason ? ` (${current.decision!.reason})` : ''}; a held record is decided once`,
    );
  }
}

export function heldView(tree: LiveTree, h: StoredHeld): HeldRecord {
  const { senderScope: _scope, personId: _person, decider: _decider, ...record } = h;
  const unit = tree.unit(h.unit);
  const parent = unit?.parent ? tree.unit(unit.parent) : undefined;
  return { ...record, unitName: unit?.fullName ?? h.unit, parentName: parent?.fullName ?? null };
}

function sameDecider(h: StoredHeld, actor: Actor): boolean {
  return h.decider !== null && h.decider.kind === actor.kind && h.decider.id === actor.id;
}

/** The record a confirmed one becomes: its officer's, at its own instant, confirmed. */
function recordOf(tree: LiveTree, h: StoredHeld, delta: number): NewEvent {
  return {
    campaign: h.campaign, sender: h.senderScope, origin: h.origin, id: h.recordId, path: 'id', metric: h.metric, unit: h.unit, delta,
    occurredAt: h.occurredAt, day: localDate(Date.parse(h.occurredAt), tree.info.timeZone), source: h.source, reason: h.reason,
    keyId: null, personId: h.personId, confirmed: true,
  };
}

function confirmation(h: StoredHeld, delta: number): AuditInput {
  return {
    action: 'count.confirm', entity: h.origin, entityId: h.recordId, unit: h.unit, campaign: h.campaign,
    before: { status: 'held', sender: h.sender?.name ?? null, heldAt: h.receivedAt, limit: h.limit.why },
    after: { metric: h.metric, delta, ...(h.total !== null ? { total: h.total } : {}), occurredAt: h.occurredAt, source: h.source, confirmed: true, sender: h.sender?.name ?? null },
    reason: h.reason,
  };
}

function rejection(h: StoredHeld, reason: string): AuditInput {
  return {
    action: 'count.reject', entity: h.origin, entityId: h.recordId, unit: h.unit, campaign: h.campaign,
    before: {
      status: 'held', metric: h.metric, delta: h.delta, ...(h.total !== null ? { total: h.total } : {}), occurredAt: h.occurredAt,
      source: h.source, sender: h.sender?.name ?? null, limit: h.limit.why,
    },
    after: { status: 'rejected' },
    reason,
  };
}
