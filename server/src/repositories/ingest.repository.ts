/**
 * The write path: one transaction per batch. Events go in with ON CONFLICT DO NOTHING (the
 * sender's id makes a retry count once); what was really inserted bumps the commune counters
 * and daily values, and leaves change rows under one sequence number, then NOTIFY.
 *
 * An id belongs to its sender: it is unique within the sender's scope (the unit of the key
 * that sent it), so no one can take an id another unit will use. An id sent again with other
 * content is a conflict, and the whole batch is refused: a retry must be identical.
 *
 * The sequence comes from the single row of `log_head`, locked until commit: transactions get
 * their numbers in commit order, so a reader that has seen N has seen everything before N.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CHANGE_CHANNEL, Database } from '../database/database.js';

export type EventOrigin = 'event' | 'report';

export interface NewEvent {
  campaign: string;
  /** The scope of the sender: ids are unique within it. */
  sender: string;
  origin: EventOrigin;
  id: string;
  /** Where the record stands in the request, for messages: "events[3]". */
  path: string;
  metric: string;
  unit: string;
  delta: number;
  occurredAt: string;
  day: string;
  source: string | null;
  reason: string | null;
  keyId: number | null;
  /** The signed-in person who sent it, when not a key. */
  personId: number | null;
  confirmed: boolean;
}

export interface CounterKey {
  campaign: string;
  metric: string;
  unit: string;
}

/** Reads made under the sequence lock. */
export interface CounterReader {
  /** Each counter's value at an instant: the sum of its records that happened by then. */
  valuesAt(queries: (CounterKey & { at: string })[]): Promise<number[]>;
  /**
   * Stores the reports; returns the keys (`reportKey`) of those received before with the same
   * content, and throws a RecordConflictError for one received before with other content.
   */
  recordReports(reports: NewReport[]): Promise<Set<string>>;
}

export interface NewReport {
  campaign: string;
  sender: string;
  id: string;
  path: string;
  metric: string;
  unit: string;
  total: number;
  asOf: string;
  source: string | null;
}

/** Writes the audit rows of the records a batch really added, in the batch's own transaction. */
export type RecordAudit = (em: EntityManager, fresh: NewEvent[]) => Promise<void>;

/** A commune counter would drop below zero, now or at the instant of a correction: the whole batch is refused. */
export class NegativeCounterError extends Error {
  constructor(readonly counter: CounterKey & { value: number; at?: string; path?: string }) {
    super(
      `${counter.path ? `${counter.path}.delta: ` : ''}correction would leave ${counter.metric} of unit ${counter.unit} at ${counter.value}` +
      `${counter.at ? ` on ${counter.at}` : ''}, below zero`,
    );
  }
}

/** A known id sent again with other content: the whole batch is refused with 409. */
export class RecordConflictError extends Error {}

interface InsertedEvent {
  campaign_id: string;
  sender_scope: string;
  origin: EventOrigin;
  id: string;
  metric: string;
  unit_code: string;
  delta: number;
  day: string;
  occurred_at: string;
}

interface StoredEvent {
  campaign_id: string;
  sender_scope: string;
  origin: EventOrigin;
  id: string;
  metric: string;
  unit_code: string;
  delta: number;
  occurred_at: string;
  received_at: string;
}

/** Reports keep their ids apart from events': "report:7" posted as an event is not report 7. */
const eventKey = (e: { campaign: string; sender: string; origin: EventOrigin; id: string }) => key(e.campaign, e.sender, e.origin, e.id);

const key = (...parts: string[]) => parts.join('\u0000');

/** The records of a batch that were inserted, not known before. */
function fresh(events: NewEvent[], inserted: InsertedEvent[]): NewEvent[] {
  const added = new Set(inserted.map((r) => key(r.campaign_id, r.sender_scope, r.origin, r.id)));
  return events.filter((e) => added.has(eventKey(e)));
}

/** Time spent waiting for the sequence lock and holding it, summed over transactions (for the metrics). */
export interface SeqLockTimes {
  transactions: number;
  waitSeconds: number;
  heldSeconds: number;
}

@Injectable()
export class IngestRepository {
  readonly seqLock: SeqLockTimes = { transactions: 0, waitSeconds: 0, heldSeconds: 0 };
  /** When each transaction took the lock. */
  private readonly lockedAt = new WeakMap<EntityManager, number>();

  constructor(private readonly db: Database) {}

  /** Runs a transaction, adding how long it held the sequence lock to the totals. */
  private async transaction<T>(run: (em: EntityManager) => Promise<T>): Promise<T> {
    let tx: EntityManager | null = null;
    try {
      return await this.db.em().transactional((em) => run((tx = em)));
    } finally {
      const locked = tx && this.lockedAt.get(tx);
      if (locked) this.seqLock.heldSeconds += (performance.now() - locked) / 1000;
    }
  }

  /** Appends events; returns how many were new and the sequence number of the change. */
  async appendEvents(events: NewEvent[], audit?: RecordAudit): Promise<{ inserted: number; seq: number | null }> {
    return this.transaction(async (em) => {
      const inserted = await this.insertEvents(em, events);
      if (inserted.length < events.length) await this.checkRetries(em, events, inserted);
      if (!inserted.length) return { inserted: 0, seq: null };
      const seq = await this.nextSeq(em);
      await this.checkCorrections(em, events, inserted);
      await this.applyInserted(em, seq, inserted);
      await audit?.(em, fresh(events, inserted));
      return { inserted: inserted.length, seq };
    });
  }

  /**
   * Runs `decide` with the sequence lock held, so the counter values it reads cannot move
   * before its events are applied (cumulative reports turn totals into deltas this way).
   * `within` runs in the same transaction once the events are decided: what goes with them
   * (the audit rows of an imported sheet) stands or falls with them.
   */
  async appendDecided(
    decide: (reader: CounterReader) => Promise<NewEvent[]>,
    within?: (em: EntityManager, events: NewEvent[]) => Promise<void>,
    audit?: RecordAudit,
  ): Promise<{ inserted: number; seq: number | null }> {
    return this.transaction(async (em) => {
      const seq = await this.nextSeq(em);
      const events = await decide({
        valuesAt: (queries) => this.valuesAt(em, queries),
        recordReports: (reports) => this.recordReports(em, reports),
      });
      await within?.(em, events);
      const inserted = events.length ? await this.insertEvents(em, events) : [];
      if (inserted.length < events.length) await this.checkRetries(em, events, inserted);
      if (!inserted.length) return { inserted: 0, seq: null };
      await this.checkCorrections(em, events, inserted);
      await this.applyInserted(em, seq, inserted);
      await audit?.(em, fresh(events, inserted));
      return { inserted: inserted.length, seq };
    });
  }

  static counterKey(k: CounterKey): string {
    return key(k.campaign, k.metric, k.unit);
  }

  static reportKey(r: { campaign: string; sender: string; id: string }): string {
    return key(r.campaign, r.sender, r.id);
  }

  private async insertEvents(em: EntityManager, events: NewEvent[]): Promise<InsertedEvent[]> {
    return em.execute<InsertedEvent[]>(
      `insert into event (campaign_id, sender_scope, origin, id, metric, unit_code, delta, occurred_at, day, source, reason, api_key_id, person_id, confirmed)
       select campaign, sender, origin, id, metric, unit, delta, occurred_at, day, source, reason, key_id, person_id, confirmed
       from json_to_recordset(?::json) as x(campaign text, sender text, origin text, id text, metric text, unit text, delta int,
         occurred_at timestamptz, day date, source text, reason text, key_id int, person_id int, confirmed boolean)
       on conflict (campaign_id, sender_scope, origin, id) do nothing
       returning campaign_id, sender_scope, origin, id, metric, unit_code, delta, to_char(day, 'YYYY-MM-DD') as day, occurred_at`,
      [JSON.stringify(events.map((e) => ({ ...e, occurred_at: e.occurredAt, key_id: e.keyId, person_id: e.personId })))],
    );
  }

  /**
   * Events not inserted were known: each must be the same record sent again (same metric,
   * unit, delta and instant), or the batch is refused naming the stored record.
   */
  private async checkRetries(em: EntityManager, events: NewEvent[], inserted: InsertedEvent[]): Promise<void> {
    const fresh = new Set(inserted.map((r) => key(r.campaign_id, r.sender_scope, r.origin, r.id)));
    const known = events.filter((e) => !fresh.has(eventKey(e)));
    const stored = await em.execute<StoredEvent[]>(
      `select e.campaign_id, e.sender_scope, e.origin, e.id, e.metric, e.unit_code, e.delta, e.occurred_at, e.received_at
       from event e join json_to_recordset(?::json) as x(campaign text, sender text, origin text, id text)
         on e.campaign_id = x.campaign and e.sender_scope = x.sender and e.origin = x.origin and e.id = x.id`,
      [JSON.stringify(known.map((e) => ({ campaign: e.campaign, sender: e.sender, origin: e.origin, id: e.id })))],
    );
    const byKey = new Map(stored.map((r) => [key(r.campaign_id, r.sender_scope, r.origin, r.id), r]));
    for (const e of known) {
      const r = byKey.get(eventKey(e));
      // Inserted by an earlier record of this very batch: the service refuses differing twins.
      if (!r) continue;
      const same = r.metric === e.metric && r.unit_code === e.unit && Number(r.delta) === e.delta
        && new Date(r.occurred_at).getTime() === Date.parse(e.occurredAt);
      if (!same) {
        const what = e.origin === 'report' ? 'report' : 'record';
        throw new RecordConflictError(
          `${e.path}.id: "${e.id}" is already the id of a ${what} received ${new Date(r.received_at).toISOString()} ` +
          `(${r.metric}, unit ${r.unit_code}, delta ${r.delta}, occurred ${new Date(r.occurred_at).toISOString()}); ` +
          'a retry must be identical, and a new record needs a new id',
        );
      }
    }
  }

  private async nextSeq(em: EntityManager): Promise<number> {
    const asked = performance.now();
    const [row] = await em.execute<{ seq: string }[]>('update log_head set seq = seq + 1 where id = 1 returning seq');
    const locked = performance.now();
    this.lockedAt.set(em, locked);
    this.seqLock.transactions++;
    this.seqLock.waitSeconds += (locked - asked) / 1000;
    return Number(row.seq);
  }

  /** A correction may not leave a commune below zero at its own instant (checked under the lock). */
  private async checkCorrections(em: EntityManager, events: NewEvent[], inserted: InsertedEvent[]): Promise<void> {
    const fresh = new Set(inserted.filter((r) => r.delta < 0).map((r) => key(r.campaign_id, r.sender_scope, r.origin, r.id)));
    const corrections = events.filter((e) => fresh.has(eventKey(e)));
    if (!corrections.length) return;
    const values = await this.valuesAt(em, corrections.map((e) => ({ campaign: e.campaign, metric: e.metric, unit: e.unit, at: e.occurredAt })));
    const i = values.findIndex((v) => v < 0);
    if (i >= 0) {
      const e = corrections[i];
      throw new NegativeCounterError({ campaign: e.campaign, metric: e.metric, unit: e.unit, value: values[i], at: e.occurredAt, path: e.path });
    }
  }

  private async applyInserted(em: EntityManager, seq: number, inserted: InsertedEvent[]): Promise<void> {
    const counters = new Map<string, { campaign: string; metric: string; unit: string; delta: number; last_at: string }>();
    const days = new Map<string, { campaign: string; metric: string; unit: string; day: string; delta: number; first: number; last: number; negative: boolean }>();
    for (const e of inserted) {
      const occurredAt = new Date(e.occurred_at).getTime();
      const counterKey = key(e.campaign_id, e.metric, e.unit_code);
      const c = counters.get(counterKey);
      if (c) {
        c.delta += e.delta;
        if (occurredAt > Date.parse(c.last_at)) c.last_at = new Date(occurredAt).toISOString();
      } else {
        counters.set(counterKey, { campaign: e.campaign_id, metric: e.metric, unit: e.unit_code, delta: e.delta, last_at: new Date(occurredAt).toISOString() });
      }
      const dayKey = key(e.campaign_id, e.metric, e.unit_code, e.day);
      const d = days.get(dayKey);
      if (d) {
        d.delta += e.delta;
        d.first = Math.min(d.first, occurredAt);
        d.last = Math.max(d.last, occurredAt);
        d.negative ||= e.delta < 0;
      } else {
        days.set(dayKey, { campaign: e.campaign_id, metric: e.metric, unit: e.unit_code, day: e.day, delta: e.delta, first: occurredAt, last: occurredAt, negative: e.delta < 0 });
      }
    }

    const counterRows = await em.execute<{ campaign_id: string; metric: string; unit_code: string; value: string }[]>(
      `insert into counter (campaign_id, metric, unit_code, value, last_seq, last_at)
       select campaign, metric, unit, delta, ?, last_at
       from json_to_recordset(?::json) as x(campaign text, metric text, unit text, delta bigint, last_at timestamptz)
       on conflict (campaign_id, metric, unit_code) do update set value = counter.value + excluded.value, last_seq = excluded.last_seq,
         last_at = greatest(counter.last_at, excluded.last_at)
       returning campaign_id, metric, unit_code, value`,
      [seq, JSON.stringify([...counters.values()])],
    );
    const negative = counterRows.find((r) => Number(r.value) < 0);
    if (negative) {
      throw new NegativeCounterError({ campaign: negative.campaign_id, metric: negative.metric, unit: negative.unit_code, value: Number(negative.value) });
    }
    const dayRows = await em.execute<{ campaign_id: string; metric: string; unit_code: string; day: string; value: string }[]>(
      `insert into daily_value (campaign_id, metric, unit_code, day, value)
       select campaign, metric, unit, day, delta from json_to_recordset(?::json) as x(campaign text, metric text, unit text, day date, delta bigint)
       on conflict (campaign_id, metric, unit_code, day) do update set value = daily_value.value + excluded.value
       returning campaign_id, metric, unit_code, to_char(day, 'YYYY-MM-DD') as day, value`,
      [JSON.stringify([...days.values()])],
    );

    const values = new Map(counterRows.map((r) => [key(r.campaign_id, r.metric, r.unit_code), Number(r.value)]));
    const changes = dayRows.map((r) => {
      const d = days.get(key(r.campaign_id, r.metric, r.unit_code, r.day))!;
      return {
        campaign: r.campaign_id, metric: r.metric, unit: r.unit_code, day: r.day,
        value: values.get(key(r.campaign_id, r.metric, r.unit_code))!, day_value: Number(r.value),
        occurred_at: new Date(d.last).toISOString(), first_at: new Date(d.first).toISOString(), negative: d.negative,
      };
    });
    await em.execute(
      `insert into change (seq, campaign_id, metric, unit_code, day, value, day_value, occurred_at, first_at, negative)
       select ?, campaign, metric, unit, day, value, day_value, occurred_at, first_at, negative
       from json_to_recordset(?::json) as x(campaign text, metric text, unit text, day date, value bigint, day_value bigint,
         occurred_at timestamptz, first_at timestamptz, negative boolean)`,
      [seq, JSON.stringify(changes)],
    );
    await em.execute(`select pg_notify('${CHANGE_CHANNEL}', ?)`, [String(seq)]);
  }

  /** Each counter's value at an instant, read outside any batch: what a preview compares with. */
  readValuesAt(queries: (CounterKey & { at: string })[]): Promise<number[]> {
    return this.valuesAt(this.db.em(), queries);
  }

  /** Each counter's value at an instant, from its records: a late report is judged against its own moment. */
  private async valuesAt(em: EntityManager, queries: (CounterKey & { at: string })[]): Promise<number[]> {
    if (!queries.length) return [];
    const rows = await em.execute<{ i: number; value: string }[]>(
      `select x.i, coalesce((select sum(e.delta) from event e
         where e.campaign_id = x.campaign and e.unit_code = x.unit and e.metric = x.metric and e.occurred_at <= x.at), 0) as value
       from json_to_recordset(?::json) as x(i int, campaign text, metric text, unit text, at timestamptz)`,
      [JSON.stringify(queries.map((q, i) => ({ i, campaign: q.campaign, metric: q.metric, unit: q.unit, at: q.at })))],
    );
    const values = new Array<number>(queries.length).fill(0);
    for (const r of rows) values[r.i] = Number(r.value);
    return values;
  }

  /** Records reports; returns the keys of those already known with the same content. */
  private async recordReports(em: EntityManager, reports: NewReport[]): Promise<Set<string>> {
    if (!reports.length) return new Set();
    const inserted = await em.execute<{ campaign_id: string; sender_scope: string; id: string }[]>(
      `insert into report (campaign_id, sender_scope, id, metric, unit_code, total, as_of, source)
       select campaign, sender, id, metric, unit, total, as_of, source
       from json_to_recordset(?::json) as x(campaign text, sender text, id text, metric text, unit text, total bigint, as_of timestamptz, source text)
       on conflict (campaign_id, sender_scope, id) do nothing
       returning campaign_id, sender_scope, id`,
      [JSON.stringify(reports.map((r) => ({ ...r, as_of: r.asOf })))],
    );
    const fresh = new Set(inserted.map((r) => key(r.campaign_id, r.sender_scope, r.id)));
    const known = reports.filter((r) => !fresh.has(IngestRepository.reportKey(r)));
    if (!known.length) return new Set();
    const stored = await em.execute<{ campaign_id: string; sender_scope: string; id: string; metric: string; unit_code: string; total: string; as_of: string; received_at: string }[]>(
      `select r.campaign_id, r.sender_scope, r.id, r.metric, r.unit_code, r.total, r.as_of, r.received_at
       from report r join json_to_recordset(?::json) as x(campaign text, sender text, id text)
         on r.campaign_id = x.campaign and r.sender_scope = x.sender and r.id = x.id`,
      [JSON.stringify(known.map((r) => ({ campaign: r.campaign, sender: r.sender, id: r.id })))],
    );
    const byKey = new Map(stored.map((r) => [key(r.campaign_id, r.sender_scope, r.id), r]));
    for (const r of known) {
      const s = byKey.get(IngestRepository.reportKey(r))!;
      const same = s.metric === r.metric && s.unit_code === r.unit && Number(s.total) === r.total && new Date(s.as_of).getTime() === Date.parse(r.asOf);
      if (!same) {
        throw new RecordConflictError(
          `${r.path}.id: "${r.id}" is already the id of a report received ${new Date(s.received_at).toISOString()} ` +
          `(${s.metric}, unit ${s.unit_code}, total ${s.total} as of ${new Date(s.as_of).toISOString()}); ` +
          'a retry must be identical, and a new report needs a new id',
        );
      }
    }
    return new Set(known.map((r) => IngestRepository.reportKey(r)));
  }
}
