/**
 * The write path. Each batch is applied whole or not at all, in one transaction:
 *
 * 1. Events go in with ON CONFLICT DO NOTHING (the sender's id makes a retry count once), and in
 *    the same statement what was really inserted bumps the commune counters and daily values.
 *    Rows are written in key order, so that batches sharing ids or communes never wait on each
 *    other in a circle. A counter's row stays locked until commit: batches touching one commune
 *    follow each other, so a correction is judged, and a report's total turned into a delta,
 *    with every earlier batch of that commune counted and no later one able to commit first.
 * 2. Only then the sequence number: one statement takes it from the single row of `log_head`,
 *    writes the change rows (absolute values) and NOTIFY, and the commit follows. That row stays
 *    locked until commit, so transactions get their numbers in commit order and a reader that
 *    has seen N has seen everything before N. Every write of every instance passes through this
 *    lock: it is held for that one statement and the commit, never for the batch's work.
 *    Most batches need no judging (every record new, no correction, nothing to audit): then
 *    both halves are one statement committed on its own, and the lock is held for its end and
 *    the commit without a round trip to this server (COUNT_AND_PUBLISH).
 * 3. Batches that arrive while others are being written share the next transaction (group
 *    commit): one sequence number, one commit. Each keeps its own answer; when one of them is
 *    refused, the group is rolled back and each is written alone, so that no batch is refused
 *    or half-applied for another's fault.
 *
 * An id belongs to its sender: it is unique within the sender's scope (the unit of the key
 * that sent it), so no one can take an id another unit will use. An id sent again with other
 * content is a conflict, and the whole batch is refused: a retry must be identical.
 *
 * Values travel as bound parameters (a JSON array per statement), never pasted into the SQL.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CHANGE_CHANNEL, Database, isDatabaseUnavailable, query } from '../database/database.js';

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

/**
 * Reads for deciding a batch's records. Counter values are read with the counters concerned
 * locked; what is known of ids needs no lock, since a record is inserted once whatever races.
 */
export interface CounterReader {
  /**
   * Each counter's value at an instant: the sum of its records that happened by then. Locks
   * the counters first: no other batch can change them before this transaction commits.
   */
  valuesAt(queries: (CounterKey & { at: string })[]): Promise<number[]>;
  /** The keys (`eventKey`) of those of these records that are counted already. */
  countedEvents(events: EventId[]): Promise<Set<string>>;
  /**
   * The keys (`reportKey`) of the reports received before with the same content; throws a
   * RecordConflictError for one received before with other content.
   */
  knownReports(reports: NewReport[]): Promise<Set<string>>;
  /** Stores reports not received before, so that a retry of one counts once. */
  recordReports(reports: NewReport[]): Promise<void>;
}

export interface EventId {
  campaign: string;
  sender: string;
  origin: EventOrigin;
  id: string;
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

export interface Appended {
  /** How many records were new. */
  inserted: number;
  /** The sequence number of the change; null when nothing was new. */
  seq: number | null;
}

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

/**
 * Time spent waiting for the sequence lock and holding it up to the commit (whose flush comes
 * on top), summed over transactions (for the metrics).
 */
export interface SeqLockTimes {
  transactions: number;
  waitSeconds: number;
  heldSeconds: number;
}

/** Transactions of grouped batches one instance writes at once; what arrives meanwhile waits for the next group. */
const GROUP_WRITERS = 4;
/** Records in one group transaction, at most (a single larger batch is written alone). */
const GROUP_RECORDS = 5000;

interface Batch {
  events: NewEvent[];
  audit?: RecordAudit;
}

interface Queued extends Batch {
  resolve(result: Appended): void;
  reject(error: unknown): void;
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

/**
 * The first half of both ways of writing events: insert them, then count what was really
 * inserted into the counters and daily values. `changes` are the change rows, less the
 * sequence number. Values come as one bound JSON array of records.
 */
const COUNT_EVENTS = `with x as (
         select * from json_to_recordset(?::json) as x(campaign text, sender text, origin text, id text, metric text, unit text, delta int,
           occurred_at timestamptz, day date, source text, reason text, key_id int, person_id int, confirmed boolean)
       ), ins as (
         insert into event (campaign_id, sender_scope, origin, id, metric, unit_code, delta, occurred_at, day, source, reason, api_key_id, person_id, confirmed)
         select campaign, sender, origin, id, metric, unit, delta, occurred_at, day, source, reason, key_id, person_id, confirmed
         from x order by campaign, sender, origin, id
         on conflict (campaign_id, sender_scope, origin, id) do nothing
         returning campaign_id, sender_scope, origin, id, metric, unit_code, delta, day, occurred_at
       ), counted as (
         insert into counter (campaign_id, metric, unit_code, value, last_at)
         select campaign_id, metric, unit_code, sum(delta), max(occurred_at) from ins
         group by campaign_id, metric, unit_code order by campaign_id, metric, unit_code
         on conflict (campaign_id, metric, unit_code) do update set value = counter.value + excluded.value,
           last_at = greatest(counter.last_at, excluded.last_at)
         returning campaign_id, metric, unit_code, value
       ), days as (
         -- Only once the counters are locked (the condition runs first): a commune's daily rows
         -- are written by the holder of its counter row alone.
         insert into daily_value (campaign_id, metric, unit_code, day, value)
         select campaign_id, metric, unit_code, day, sum(delta) from ins where (select count(*) from counted) > 0
         group by campaign_id, metric, unit_code, day order by campaign_id, metric, unit_code, day
         on conflict (campaign_id, metric, unit_code, day) do update set value = daily_value.value + excluded.value
         returning campaign_id, metric, unit_code, day, value
       ), batch as (
         select campaign_id, metric, unit_code, day, max(occurred_at) as occurred_at, min(occurred_at) as first_at, bool_or(delta < 0) as negative
         from ins group by campaign_id, metric, unit_code, day
       ), changes as (
         select d.campaign_id as campaign, d.metric, d.unit_code as unit, d.day, c.value, d.value as day_value, b.occurred_at, b.first_at, b.negative
         from days d join counted c using (campaign_id, metric, unit_code) join batch b using (campaign_id, metric, unit_code, day)
       )`;

/**
 * A group of batches whose records are all new and need no judging (no correction, nothing to
 * audit), in one statement committed on its own: counts first, then, once the counters are
 * locked (`asked` waits for the daily values), the sequence number and the change rows. The
 * lock on `log_head` is held for the end of the statement and the commit, without a round trip.
 * A record known before makes `ingest_all_new` raise: nothing of it stays, and the group is
 * written again in a transaction that judges each record.
 */
const COUNT_AND_PUBLISH = `${COUNT_EVENTS}, asked as (
         select clock_timestamp() as at from (select count(*) from days) d
       ), head as (
         update log_head set seq = seq + 1 from asked
         where id = 1 and ingest_all_new((select count(*) from ins), (select count(*) from x))
         returning seq, asked.at as asked_at, clock_timestamp() as locked_at
       ), logged as (
         insert into change (seq, campaign_id, metric, unit_code, day, value, day_value, occurred_at, first_at, negative)
         select head.seq, c.campaign, c.metric, c.unit, c.day, c.value, c.day_value, c.occurred_at, c.first_at, c.negative from head, changes c
         returning 1
       )
       select (select count(*) from logged) as changes, seq, pg_notify(?, seq::text),
         extract(epoch from locked_at - asked_at) as waited, extract(epoch from clock_timestamp() - locked_at) as held
       from head`;

/** The SQLSTATE `ingest_all_new` raises (Migration20261201010000). */
const KNOWN_RECORDS = 'TD001';

/** The records as COUNT_EVENTS reads them. */
const records = (events: NewEvent[]) => JSON.stringify(events.map((e) => ({
  campaign: e.campaign, sender: e.sender, origin: e.origin, id: e.id, metric: e.metric, unit: e.unit, delta: e.delta,
  occurred_at: e.occurredAt, day: e.day, source: e.source, reason: e.reason, key_id: e.keyId, person_id: e.personId, confirmed: e.confirmed,
})));

/** Reports keep their ids apart from events': "report:7" posted as an event is not report 7. */
export const eventKey = (e: EventId) => key(e.campaign, e.sender, e.origin, e.id);

const key = (...parts: string[]) => parts.join('\u0000');

@Injectable()
export class IngestRepository {
  readonly seqLock: SeqLockTimes = { transactions: 0, waitSeconds: 0, heldSeconds: 0 };
  /** When each transaction took the sequence lock. */
  private readonly lockedAt = new WeakMap<EntityManager, number>();
  private readonly queue: Queued[] = [];
  private writers = 0;

  constructor(private readonly db: Database) {}

  /** Appends events (grouped with other batches arriving meanwhile); returns how many were new and the sequence number of the change. */
  appendEvents(events: NewEvent[], audit?: RecordAudit): Promise<Appended> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, audit, resolve, reject });
      this.writeQueued();
    });
  }

  /**
   * Runs `decide` in a transaction whose counter reads lock the counters they read, so that
   * the values cannot move before its events are applied (cumulative reports turn totals into
   * deltas this way, and records are held or counted by what is known of their ids). `decide`
   * gets the transaction for what it writes besides the events (held records); `within` runs
   * in it once the events are decided: what goes with them (the audit rows of an imported
   * sheet) stands or falls with them.
   */
  async appendDecided(
    decide: (reader: CounterReader, em: EntityManager) => Promise<NewEvent[]>,
    within?: (em: EntityManager, events: NewEvent[]) => Promise<void>,
    audit?: RecordAudit,
  ): Promise<Appended> {
    return this.transaction(async (em) => {
      const events = await decide({
        valuesAt: async (queries) => {
          await this.lockCounters(em, queries);
          return this.valuesAt(em, queries);
        },
        countedEvents: (ids) => this.countedEvents(em, ids),
        knownReports: (reports) => this.knownReports(em, reports),
        recordReports: (reports) => this.recordReports(em, reports),
      }, em);
      await within?.(em, events);
      const [result] = await this.write(em, [{ events, audit }]);
      return result;
    });
  }

  static counterKey(k: CounterKey): string {
    return key(k.campaign, k.metric, k.unit);
  }

  static reportKey(r: { campaign: string; sender: string; id: string }): string {
    return key(r.campaign, r.sender, r.id);
  }

  /** Each counter's value at an instant, read outside any batch: what a preview compares with. */
  readValuesAt(queries: (CounterKey & { at: string })[]): Promise<number[]> {
    return this.valuesAt(this.db.em(), queries);
  }

  /** Starts a group transaction for what waits, while fewer than GROUP_WRITERS are under way. */
  private writeQueued(): void {
    while (this.writers < GROUP_WRITERS && this.queue.length) {
      const group = [this.queue.shift()!];
      let records = group[0].events.length;
      while (this.queue.length && records + this.queue[0].events.length <= GROUP_RECORDS) {
        records += this.queue[0].events.length;
        group.push(this.queue.shift()!);
      }
      this.writers++;
      void this.writeGroup(group).finally(() => {
        this.writers--;
        this.writeQueued();
      });
    }
  }

  private async writeGroup(group: Queued[]): Promise<void> {
    try {
      const results = await this.writeAtOnce(group) ?? await this.transaction((em) => this.write(em, group));
      group.forEach((batch, i) => batch.resolve(results[i]));
    } catch (error) {
      if (group.length === 1 || isDatabaseUnavailable(error)) {
        for (const batch of group) batch.reject(error);
        return;
      }
      // One batch's refusal is not the others': each is written alone, and answered for itself.
      for (const batch of group) {
        await this.transaction((em) => this.write(em, [batch])).then(([result]) => batch.resolve(result), batch.reject);
      }
    }
  }

  /** Batches of new records that need no judging, in one statement (COUNT_AND_PUBLISH); null when they need a transaction. */
  private async writeAtOnce(batches: Batch[]): Promise<Appended[] | null> {
    const events = batches.flatMap((b) => b.events);
    if (!events.length || batches.some((b) => b.audit) || events.some((e) => e.delta < 0)) return null;
    try {
      const [row] = await query<{ seq: string; waited: number; held: number }>(this.db.em(), COUNT_AND_PUBLISH, [records(events), CHANGE_CHANNEL]);
      this.seqLock.transactions++;
      this.seqLock.waitSeconds += Number(row.waited);
      this.seqLock.heldSeconds += Number(row.held);
      return batches.map((b) => ({ inserted: b.events.length, seq: Number(row.seq) }));
    } catch (error) {
      if ((error as { code?: string }).code === KNOWN_RECORDS) return null;
      throw error;
    }
  }

  /** Runs a transaction, adding how long it held the sequence lock, up to its commit, to the totals. */
  private transaction<T>(run: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.em().transactional(async (em) => {
      try {
        return await run(em);
      } finally {
        const locked = this.lockedAt.get(em);
        if (locked) this.seqLock.heldSeconds += (performance.now() - locked) / 1000;
      }
    });
  }

  /** Writes batches in the transaction of `em`; returns each one's result. */
  private async write(em: EntityManager, batches: Batch[]): Promise<Appended[]> {
    const events = batches.flatMap((b) => b.events);
    if (!events.length) return batches.map(() => ({ inserted: 0, seq: null }));
    const applied = await this.insertAndCount(em, events);
    // The first record under each inserted key is new; any other under it was known (sent before, or twice).
    const insertedKeys = applied.keys && new Set(applied.keys);
    const isFresh = (e: NewEvent) => !insertedKeys || insertedKeys.delete(eventKey(e));
    const fresh = batches.map((b) => b.events.filter(isFresh));
    const freshCount = fresh.reduce((sum, f) => sum + f.length, 0);
    if (freshCount < events.length) {
      const freshSet = new Set(fresh.flat());
      await this.checkRetries(em, events.filter((e) => !freshSet.has(e)));
    }
    if (!freshCount) return batches.map(() => ({ inserted: 0, seq: null }));
    if (applied.belowZero) {
      const [campaign, metric, unit, value] = applied.belowZero;
      throw new NegativeCounterError({ campaign, metric, unit, value: Number(value) });
    }
    await this.checkCorrections(em, fresh.flat().filter((e) => e.delta < 0));
    for (const [i, b] of batches.entries()) if (b.audit && fresh[i].length) await b.audit(em, fresh[i]);
    const seq = await this.publish(em, applied.changes);
    return fresh.map((f) => ({ inserted: f.length, seq: f.length ? seq : null }));
  }

  /**
   * Inserts the events and counts those really inserted into the counters and daily values, in
   * one statement. Returns the keys inserted (only when some were not: otherwise all were), a
   * counter left below zero, and the change rows (JSON text, passed on as it is).
   */
  private async insertAndCount(em: EntityManager, events: NewEvent[]): Promise<{
    keys: string[] | null; belowZero: [string, string, string, number] | null; changes: string;
  }> {
    const [row] = await query<{ keys: [string, string, EventOrigin, string][] | null; below_zero: [string, string, string, number] | null; changes: string }>(em,
      `${COUNT_EVENTS}
       select
         case when (select count(*) from ins) < (select count(*) from x)
           then (select coalesce(json_agg(json_build_array(campaign_id, sender_scope, origin, id)), '[]') from ins) end as keys,
         (select json_build_array(campaign_id, metric, unit_code, value) from counted where value < 0 limit 1) as below_zero,
         (select coalesce(json_agg(changes), '[]')::text from changes) as changes`,
      [records(events)],
    );
    return { keys: row.keys && row.keys.map((k) => key(...k)), belowZero: row.below_zero, changes: row.changes };
  }

  /**
   * The sequence number, the change rows and NOTIFY in one statement, at the very end: the
   * lock on `log_head` is held from here to the commit (see the file's header).
   */
  private async publish(em: EntityManager, changes: string): Promise<number> {
    const asked = performance.now();
    const [row] = await query<{ seq: string }>(em,
      `with head as (update log_head set seq = seq + 1 where id = 1 returning seq), logged as (
         insert into change (seq, campaign_id, metric, unit_code, day, value, day_value, occurred_at, first_at, negative)
         select head.seq, campaign, metric, unit, day, value, day_value, occurred_at, first_at, negative
         from head, json_to_recordset(?::json) as x(campaign text, metric text, unit text, day date, value bigint, day_value bigint,
           occurred_at timestamptz, first_at timestamptz, negative boolean)
       )
       select seq, pg_notify(?, seq::text) from head`,
      [changes, CHANGE_CHANNEL],
    );
    const locked = performance.now();
    this.lockedAt.set(em, locked);
    this.seqLock.transactions++;
    this.seqLock.waitSeconds += (locked - asked) / 1000;
    return Number(row.seq);
  }

  /**
   * Events not inserted were known: each must be the same record sent again (same metric,
   * unit, delta and instant), or the batch is refused naming the stored record.
   */
  private async checkRetries(em: EntityManager, known: NewEvent[]): Promise<void> {
    const stored = await query<StoredEvent>(em,
      `select e.campaign_id, e.sender_scope, e.origin, e.id, e.metric, e.unit_code, e.delta, e.occurred_at, e.received_at
       from event e join json_to_recordset(?::json) as x(campaign text, sender text, origin text, id text)
         on e.campaign_id = x.campaign and e.sender_scope = x.sender and e.origin = x.origin and e.id = x.id`,
      [JSON.stringify(known.map((e) => ({ campaign: e.campaign, sender: e.sender, origin: e.origin, id: e.id })))],
    );
    const byKey = new Map(stored.map((r) => [key(r.campaign_id, r.sender_scope, r.origin, r.id), r]));
    for (const e of known) {
      const r = byKey.get(eventKey(e))!;
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

  /** A correction may not leave a commune below zero at its own instant (its counter is locked: see the header). */
  private async checkCorrections(em: EntityManager, corrections: NewEvent[]): Promise<void> {
    if (!corrections.length) return;
    const values = await this.valuesAt(em, corrections.map((e) => ({ campaign: e.campaign, metric: e.metric, unit: e.unit, at: e.occurredAt })));
    const i = values.findIndex((v) => v < 0);
    if (i >= 0) {
      const e = corrections[i];
      throw new NegativeCounterError({ campaign: e.campaign, metric: e.metric, unit: e.unit, value: values[i], at: e.occurredAt, path: e.path });
    }
  }

  /**
   * Locks the counters' rows (made first where missing), in key order: until this transaction
   * commits, no other batch can add to them.
   */
  private async lockCounters(em: EntityManager, counters: CounterKey[]): Promise<void> {
    if (!counters.length) return;
    const keys = JSON.stringify(counters.map((c) => ({ campaign: c.campaign, metric: c.metric, unit: c.unit })));
    await query(em,
      `insert into counter (campaign_id, metric, unit_code, value)
       select distinct campaign, metric, unit, 0 from json_to_recordset(?::json) as x(campaign text, metric text, unit text) order by 1, 2, 3
       on conflict (campaign_id, metric, unit_code) do nothing`,
      [keys],
    );
    await query(em,
      `select 1 from counter where (campaign_id, metric, unit_code) in (select campaign, metric, unit from json_to_recordset(?::json) as x(campaign text, metric text, unit text))
       order by campaign_id, metric, unit_code for update`,
      [keys],
    );
  }

  /** Each counter's value at an instant, from its records: a late report is judged against its own moment. */
  private async valuesAt(em: EntityManager, queries: (CounterKey & { at: string })[]): Promise<number[]> {
    if (!queries.length) return [];
    const rows = await query<{ i: number; value: string }>(em,
      `select x.i, coalesce((select sum(e.delta) from event e
         where e.campaign_id = x.campaign and e.unit_code = x.unit and e.metric = x.metric and e.occurred_at <= x.at), 0) as value
       from json_to_recordset(?::json) as x(i int, campaign text, metric text, unit text, at timestamptz)`,
      [JSON.stringify(queries.map((q, i) => ({ i, campaign: q.campaign, metric: q.metric, unit: q.unit, at: q.at })))],
    );
    const values = new Array<number>(queries.length).fill(0);
    for (const r of rows) values[r.i] = Number(r.value);
    return values;
  }

  /**
   * What is known of a sender's ids is read, and then acted on (a report turned into a
   * difference, a record held), by one transaction of that sender at a time: a twin sent at the
   * same moment waits, then finds the first one known. Senders in a fixed order, so two
   * transactions never wait on each other.
   */
  private async lockSenders(em: EntityManager, records: { campaign: string; sender: string }[]): Promise<void> {
    const senders = [...new Set(records.map((r) => `${r.campaign}/${r.sender}`))].sort();
    await query(em, `select pg_advisory_xact_lock(hashtextextended(s, 0)) from unnest(?::text[]) with ordinality as t(s, n) order by n`, [senders]);
  }

  private async countedEvents(em: EntityManager, ids: EventId[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    await this.lockSenders(em, ids);
    const rows = await query<{ campaign_id: string; sender_scope: string; origin: EventOrigin; id: string }>(em,
      `select e.campaign_id, e.sender_scope, e.origin, e.id
       from event e join json_to_recordset(?::json) as x(campaign text, sender text, origin text, id text)
         on e.campaign_id = x.campaign and e.sender_scope = x.sender and e.origin = x.origin and e.id = x.id`,
      [JSON.stringify(ids.map((e) => ({ campaign: e.campaign, sender: e.sender, origin: e.origin, id: e.id })))],
    );
    return new Set(rows.map((r) => key(r.campaign_id, r.sender_scope, r.origin, r.id)));
  }

  /** The reports known with the same content; one known with other content is a conflict. */
  private async knownReports(em: EntityManager, reports: NewReport[]): Promise<Set<string>> {
    if (!reports.length) return new Set();
    await this.lockSenders(em, reports);
    const stored = await query<{ campaign_id: string; sender_scope: string; id: string; metric: string; unit_code: string; total: string; as_of: string; received_at: string }>(em,
      `select r.campaign_id, r.sender_scope, r.id, r.metric, r.unit_code, r.total, r.as_of, r.received_at
       from report r join json_to_recordset(?::json) as x(campaign text, sender text, id text)
         on r.campaign_id = x.campaign and r.sender_scope = x.sender and r.id = x.id`,
      [JSON.stringify(reports.map((r) => ({ campaign: r.campaign, sender: r.sender, id: r.id })))],
    );
    const byKey = new Map(stored.map((r) => [key(r.campaign_id, r.sender_scope, r.id), r]));
    const known = new Set<string>();
    for (const r of reports) {
      const s = byKey.get(IngestRepository.reportKey(r));
      if (!s) continue;
      const same = s.metric === r.metric && s.unit_code === r.unit && Number(s.total) === r.total && new Date(s.as_of).getTime() === Date.parse(r.asOf);
      if (!same) {
        throw new RecordConflictError(
          `${r.path}.id: "${r.id}" is already the id of a report received ${new Date(s.received_at).toISOString()} ` +
          `(${s.metric}, unit ${s.unit_code}, total ${s.total} as of ${new Date(s.as_of).toISOString()}); ` +
          'a retry must be identical, and a new report needs a new id',
        );
      }
      known.add(IngestRepository.reportKey(r));
    }
    return known;
  }

  /** A twin sent at the same moment by another request finds it there and adds nothing. */
  private async recordReports(em: EntityManager, reports: NewReport[]): Promise<void> {
    if (!reports.length) return;
    await query(em,
      `insert into report (campaign_id, sender_scope, id, metric, unit_code, total, as_of, source)
       select campaign, sender, id, metric, unit, total, as_of, source
       from json_to_recordset(?::json) as x(campaign text, sender text, id text, metric text, unit text, total bigint, as_of timestamptz, source text)
       on conflict (campaign_id, sender_scope, id) do nothing`,
      [JSON.stringify(reports.map((r) => ({ ...r, as_of: r.asOf })))],
    );
  }
}
