/**
 * The write path: one transaction per batch. Events go in with ON CONFLICT DO NOTHING (the
 * sender's id makes a retry count once); what was really inserted bumps the commune counters
 * and daily values, and leaves change rows under one sequence number, then NOTIFY.
 *
 * The sequence comes from the single row of `log_head`, locked until commit: transactions get
 * their numbers in commit order, so a reader that has seen N has seen everything before N.
 */
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CHANGE_CHANNEL, Database } from '../database/database.js';

export interface NewEvent {
  campaign: string;
  id: string;
  metric: string;
  unit: string;
  delta: number;
  occurredAt: string;
  day: string;
  source: string | null;
  reason: string | null;
  keyId: number | null;
}

export interface CounterKey {
  campaign: string;
  metric: string;
  unit: string;
}

/** Reads made under the sequence lock. Values are keyed by `IngestRepository.counterKey`. */
export interface CounterReader {
  values(keys: CounterKey[]): Promise<Map<string, number>>;
  /** Stores the reports; returns the keys (`reportKey`) of those received before. */
  recordReports(reports: NewReport[]): Promise<Set<string>>;
}

export interface NewReport {
  campaign: string;
  id: string;
  metric: string;
  unit: string;
  total: number;
  asOf: string;
  source: string | null;
}

/** A commune counter would drop below zero: the whole batch is refused. */
export class NegativeCounterError extends Error {
  constructor(readonly counter: CounterKey & { value: number }) {
    super(`correction would leave ${counter.metric} of unit ${counter.unit} at ${counter.value}, below zero`);
  }
}

interface InsertedEvent {
  campaign_id: string;
  metric: string;
  unit_code: string;
  delta: number;
  day: string;
  occurred_at: string;
}

const key = (...parts: string[]) => parts.join('\u0000');

@Injectable()
export class IngestRepository {
  constructor(private readonly db: Database) {}

  /** Appends events; returns how many were new and the sequence number of the change. */
  async appendEvents(events: NewEvent[]): Promise<{ inserted: number; seq: number | null }> {
    return this.db.em().transactional(async (em) => {
      const inserted = await this.insertEvents(em, events);
      if (!inserted.length) return { inserted: 0, seq: null };
      const seq = await this.nextSeq(em);
      await this.applyInserted(em, seq, inserted);
      return { inserted: inserted.length, seq };
    });
  }

  /**
   * Runs `decide` with the sequence lock held, so the counter values it reads cannot move
   * before its events are applied (cumulative reports turn totals into deltas this way).
   */
  async appendDecided(decide: (reader: CounterReader) => Promise<NewEvent[]>): Promise<{ inserted: number; seq: number | null }> {
    return this.db.em().transactional(async (em) => {
      const seq = await this.nextSeq(em);
      const events = await decide({
        values: (keys) => this.counterValues(em, keys),
        recordReports: (reports) => this.recordReports(em, reports),
      });
      const inserted = events.length ? await this.insertEvents(em, events) : [];
      if (!inserted.length) return { inserted: 0, seq: null };
      await this.applyInserted(em, seq, inserted);
      return { inserted: inserted.length, seq };
    });
  }

  static counterKey(k: CounterKey): string {
    return key(k.campaign, k.metric, k.unit);
  }

  static reportKey(r: { campaign: string; id: string }): string {
    return key(r.campaign, r.id);
  }

  private async insertEvents(em: EntityManager, events: NewEvent[]): Promise<InsertedEvent[]> {
    return em.execute<InsertedEvent[]>(
      `insert into event (campaign_id, id, metric, unit_code, delta, occurred_at, day, source, reason, api_key_id)
       select campaign, id, metric, unit, delta, occurred_at, day, source, reason, key_id
       from json_to_recordset(?::json) as x(campaign text, id text, metric text, unit text, delta int,
         occurred_at timestamptz, day date, source text, reason text, key_id int)
       on conflict (campaign_id, id) do nothing
       returning campaign_id, metric, unit_code, delta, to_char(day, 'YYYY-MM-DD') as day, occurred_at`,
      [JSON.stringify(events.map((e) => ({ ...e, occurred_at: e.occurredAt, key_id: e.keyId })))],
    );
  }

  private async nextSeq(em: EntityManager): Promise<number> {
    const [row] = await em.execute<{ seq: string }[]>('update log_head set seq = seq + 1 where id = 1 returning seq');
    return Number(row.seq);
  }

  private async applyInserted(em: EntityManager, seq: number, inserted: InsertedEvent[]): Promise<void> {
    const counters = new Map<string, { campaign: string; metric: string; unit: string; delta: number; occurredAt: number }>();
    const days = new Map<string, { campaign: string; metric: string; unit: string; day: string; delta: number }>();
    for (const e of inserted) {
      const occurredAt = new Date(e.occurred_at).getTime();
      const c = counters.get(key(e.campaign_id, e.metric, e.unit_code));
      if (c) {
        c.delta += e.delta;
        c.occurredAt = Math.max(c.occurredAt, occurredAt);
      } else {
        counters.set(key(e.campaign_id, e.metric, e.unit_code), { campaign: e.campaign_id, metric: e.metric, unit: e.unit_code, delta: e.delta, occurredAt });
      }
      const d = days.get(key(e.campaign_id, e.metric, e.unit_code, e.day));
      if (d) d.delta += e.delta;
      else days.set(key(e.campaign_id, e.metric, e.unit_code, e.day), { campaign: e.campaign_id, metric: e.metric, unit: e.unit_code, day: e.day, delta: e.delta });
    }

    const counterRows = await em.execute<{ campaign_id: string; metric: string; unit_code: string; value: string }[]>(
      `insert into counter (campaign_id, metric, unit_code, value, last_seq)
       select campaign, metric, unit, delta, ? from json_to_recordset(?::json) as x(campaign text, metric text, unit text, delta bigint)
       on conflict (campaign_id, metric, unit_code) do update set value = counter.value + excluded.value, last_seq = excluded.last_seq
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
      const k = key(r.campaign_id, r.metric, r.unit_code);
      return {
        campaign: r.campaign_id, metric: r.metric, unit: r.unit_code, day: r.day,
        value: values.get(k)!, day_value: Number(r.value), occurred_at: new Date(counters.get(k)!.occurredAt).toISOString(),
      };
    });
    await em.execute(
      `insert into change (seq, campaign_id, metric, unit_code, day, value, day_value, occurred_at)
       select ?, campaign, metric, unit, day, value, day_value, occurred_at
       from json_to_recordset(?::json) as x(campaign text, metric text, unit text, day date, value bigint, day_value bigint, occurred_at timestamptz)`,
      [seq, JSON.stringify(changes)],
    );
    await em.execute(`select pg_notify('${CHANGE_CHANNEL}', ?)`, [String(seq)]);
  }

  private async counterValues(em: EntityManager, keys: CounterKey[]): Promise<Map<string, number>> {
    if (!keys.length) return new Map();
    const rows = await em.execute<{ campaign_id: string; metric: string; unit_code: string; value: string }[]>(
      `select c.campaign_id, c.metric, c.unit_code, c.value from counter c
       join json_to_recordset(?::json) as x(campaign text, metric text, unit text)
         on c.campaign_id = x.campaign and c.metric = x.metric and c.unit_code = x.unit`,
      [JSON.stringify(keys)],
    );
    return new Map(rows.map((r) => [key(r.campaign_id, r.metric, r.unit_code), Number(r.value)]));
  }

  /** Records reports; returns the (campaign, id) keys that were already known. */
  private async recordReports(em: EntityManager, reports: NewReport[]): Promise<Set<string>> {
    if (!reports.length) return new Set();
    const inserted = await em.execute<{ campaign_id: string; id: string }[]>(
      `insert into report (campaign_id, id, metric, unit_code, total, as_of, source)
       select campaign, id, metric, unit, total, as_of, source
       from json_to_recordset(?::json) as x(campaign text, id text, metric text, unit text, total bigint, as_of timestamptz, source text)
       on conflict (campaign_id, id) do nothing
       returning campaign_id, id`,
      [JSON.stringify(reports.map((r) => ({ ...r, as_of: r.asOf })))],
    );
    const fresh = new Set(inserted.map((r) => key(r.campaign_id, r.id)));
    return new Set(reports.map((r) => key(r.campaign, r.id)).filter((k) => !fresh.has(k)));
  }
}
