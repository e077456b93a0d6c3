/**
 * Records held by the plausibility rule (see the migration that made `held_record`). Holding
 * and deciding run in the transaction of a batch (IngestRepository.appendDecided). An id is held
 * once: of two requests holding it at the same moment, one inserts the row and the other finds
 * it there once the first commits (the unique key of the sender's id). A decision is an update
 * from `held` only, so of two chiefs deciding at once one changes the row and the other finds
 * it decided.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { HeldRecord, HeldStatus, Sender } from '@tiendo/shared';
import { Database } from '../database/database.js';
import type { Actor } from './audit.repository.js';
import { eventKey, type EventId } from './ingest.repository.js';

/** A record to hold: what it is, who sent it, and the limit it broke. */
export interface NewHeld {
  campaign: string;
  sender: string;
  origin: EventId['origin'];
  id: string;
  metric: string;
  unit: string;
  delta: number;
  total: number | null;
  occurredAt: string;
  source: string | null;
  reason: string | null;
  personId: number;
  limit: { amount: number; why: string };
}

/** A held record as stored, with its sender's identity for the record it becomes. */
export interface StoredHeld extends Omit<HeldRecord, 'unitName' | 'parentName'> {
  senderScope: string;
  personId: number;
  decider: { kind: string; id: number | null } | null;
}

interface Row {
  id: number;
  campaign_id: string;
  sender_scope: string;
  origin: EventId['origin'];
  record_id: string;
  metric: string;
  unit_code: string;
  delta: string;
  total: string | null;
  occurred_at: string;
  received_at: string;
  source: string | null;
  reason: string | null;
  person_id: number;
  person_name: string | null;
  limit_amount: string;
  limit_why: string;
  status: HeldStatus;
  decided_at: string | null;
  decider_kind: string | null;
  decider_id: number | null;
  decider_name: string | null;
  decision_reason: string | null;
}

const COLUMNS = `h.id, h.campaign_id, h.sender_scope, h.origin, h.record_id, h.metric, h.unit_code, h.delta, h.total, h.occurred_at,
  h.received_at, h.source, h.reason, h.person_id, p.name as person_name, h.limit_amount, h.limit_why, h.status, h.decided_at,
  h.decider_kind, h.decider_id, h.decider_name, h.decision_reason`;

/** The most held records one list shows. */
const LIST_LIMIT = 500;

@Injectable()
export class HeldRepository {
  constructor(private readonly db: Database) {}

  /** The held rows of these ids, by `eventKey`: an id names one record, held or counted. */
  async find(em: EntityManager, ids: EventId[]): Promise<Map<string, StoredHeld>> {
    if (!ids.length) return new Map();
    const rows = await em.execute<Row[]>(
      `select ${COLUMNS} from held_record h left join person p on p.id = h.person_id
       join json_to_recordset(?::json) as x(campaign text, sender text, origin text, id text)
         on h.campaign_id = x.campaign and h.sender_scope = x.sender and h.origin = x.origin and h.record_id = x.id`,
      [JSON.stringify(ids.map((r) => ({ campaign: r.campaign, sender: r.sender, origin: r.origin, id: r.id })))],
    );
    return new Map(rows.map((r) => [eventKey({ campaign: r.campaign_id, sender: r.sender_scope, origin: r.origin, id: r.record_id }), stored(r)]));
  }

  /** Holds the records; returns the keys (`eventKey`) of those it held, not held by another request meanwhile. */
  async hold(em: EntityManager, records: NewHeld[]): Promise<Set<string>> {
    if (!records.length) return new Set();
    const inserted = await em.execute<{ campaign_id: string; sender_scope: string; origin: EventId['origin']; record_id: string }[]>(
      `insert into held_record (campaign_id, sender_scope, origin, record_id, metric, unit_code, delta, total, occurred_at, source, reason, person_id, limit_amount, limit_why)
       select campaign, sender, origin, id, metric, unit, delta, total, occurred_at, source, reason, person_id, limit_amount, limit_why
       from json_to_recordset(?::json) as x(campaign text, sender text, origin text, id text, metric text, unit text, delta bigint, total bigint,
         occurred_at timestamptz, source text, reason text, person_id int, limit_amount bigint, limit_why text)
       order by campaign, sender, origin, id
       on conflict (campaign_id, sender_scope, origin, record_id) do nothing
       returning campaign_id, sender_scope, origin, record_id`,
      [JSON.stringify(records.map((r) => ({
        ...r, occurred_at: r.occurredAt, person_id: r.personId, limit_amount: r.limit.amount, limit_why: r.limit.why,
      })))],
    );
    return new Set(inserted.map((r) => eventKey({ campaign: r.campaign_id, sender: r.sender_scope, origin: r.origin, id: r.record_id })));
  }

  async get(campaign: string, id: number, em: EntityManager = this.db.em()): Promise<StoredHeld | null> {
    const [row] = await em.execute<Row[]>(
      `select ${COLUMNS} from held_record h left join person p on p.id = h.person_id where h.campaign_id = ? and h.id = ?`, [campaign, id]);
    return row ? stored(row) : null;
  }

  /**
   * Decides a held record, if it is still held; null when it was decided already (by this
   * transaction's rivals too: the update waits for theirs and then finds the row decided).
   */
  async decide(em: EntityManager, campaign: string, id: number, status: 'confirmed' | 'rejected', by: Actor, reason: string | null): Promise<StoredHeld | null> {
    const updated = await em.execute<{ id: number }[]>(
      `update held_record set status = ?, decided_at = now(), decider_kind = ?, decider_id = ?, decider_name = ?, decision_reason = ?
       where campaign_id = ? and id = ? and status = 'held' returning id`,
      [status, by.kind, by.id, by.name, reason, campaign, id],
    );
    return updated.length ? this.get(campaign, id, em) : null;
  }

  /** Rejects a held record, and writes what goes with it (its audit row) in the same transaction; null when it was decided already. */
  async reject(campaign: string, id: number, by: Actor, reason: string, withIt: (em: EntityManager, decided: StoredHeld) => Promise<void>): Promise<StoredHeld | null> {
    return this.db.em().transactional(async (em) => {
      const decided = await this.decide(em, campaign, id, 'rejected', by, reason);
      if (decided) await withIt(em, decided);
      return decided;
    });
  }

  /** The records of these communes waiting for a decision, oldest first. */
  async waiting(campaign: string, units: string[]): Promise<StoredHeld[]> {
    if (!units.length) return [];
    const rows = await this.db.em().execute<Row[]>(
      `select ${COLUMNS} from held_record h left join person p on p.id = h.person_id
       where h.campaign_id = ? and h.status = 'held' and h.unit_code in (select json_array_elements_text(?::json))
       order by h.received_at, h.id limit ?`,
      [campaign, JSON.stringify(units), LIST_LIMIT],
    );
    return rows.map(stored);
  }

  /** A commune's held records: those waiting, and those decided since `since`; newest first. */
  async ofCommune(campaign: string, unit: string, since: number): Promise<StoredHeld[]> {
    const rows = await this.db.em().execute<Row[]>(
      `select ${COLUMNS} from held_record h left join person p on p.id = h.person_id
       where h.campaign_id = ? and h.unit_code = ? and (h.status = 'held' or h.decided_at >= ?)
       order by h.received_at desc, h.id desc limit ?`,
      [campaign, unit, new Date(since).toISOString(), LIST_LIMIT],
    );
    return rows.map(stored);
  }
}

function stored(r: Row): StoredHeld {
  const sender: Sender | null = r.person_name === null ? null : { kind: 'person', name: r.person_name };
  return {
    id: r.id, recordId: r.record_id, origin: r.origin, campaign: r.campaign_id, metric: r.metric, unit: r.unit_code,
    delta: Number(r.delta), total: r.total === null ? null : Number(r.total),
    occurredAt: new Date(r.occurred_at).toISOString(), receivedAt: new Date(r.received_at).toISOString(),
    source: r.source, reason: r.reason, sender, limit: { amount: Number(r.limit_amount), why: r.limit_why }, status: r.status,
    decision: r.decided_at === null ? null : { by: r.decider_name ?? '', at: new Date(r.decided_at).toISOString(), reason: r.decision_reason },
    senderScope: r.sender_scope, personId: r.person_id,
    decider: r.decider_kind === null ? null : { kind: r.decider_kind, id: r.decider_id },
  };
}
