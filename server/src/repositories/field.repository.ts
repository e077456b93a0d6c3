/**
 * Reads of the event log for the field screens: a commune's records of one day, and each
 * commune's latest arrival, counted or held for a chief (a commune whose officer sent an
 * amount the plausibility rule held has not gone silent). Both walk their tables by (campaign,
 * commune) with an index, so a province's 216 communes or the country's 10,599 cost one query
 * each time, an index probe or two per commune, however long the log grows.
 */
import { Injectable } from '@nestjs/common';
import type { FieldEntry, Sender, SilentCommune } from '@tiendo/shared';
import { Database } from '../database/database.js';

interface EntryRow {
  id: string;
  origin: 'event' | 'report';
  metric: string;
  delta: number;
  occurred_at: string;
  received_at: string;
  source: string | null;
  reason: string | null;
  confirmed: boolean;
  person_name: string | null;
  key_name: string | null;
}

interface LastRow {
  unit: string;
  held: boolean | null;
  received_at: string | null;
  occurred_at: string | null;
  metric: string | null;
  delta: number | null;
  source: string | null;
  person_name: string | null;
  key_name: string | null;
}

/** The most records a day's list shows. */
const DAY_ENTRIES = 100;

@Injectable()
export class FieldRepository {
  constructor(private readonly db: Database) {}

  /** A commune's records that happened in [from, to), newest first. */
  async entries(campaign: string, unit: string, from: number, to: number): Promise<FieldEntry[]> {
    const rows = await this.db.em().execute<EntryRow[]>(
      `select e.id, e.origin, e.metric, e.delta, e.occurred_at, e.received_at, e.source, e.reason, e.confirmed,
              p.name as person_name, k.name as key_name
       from event e left join person p on p.id = e.person_id left join api_key k on k.id = e.api_key_id
       where e.campaign_id = ? and e.unit_code = ? and e.occurred_at >= ? and e.occurred_at < ?
       order by e.occurred_at desc, e.received_at desc limit ?`,
      [campaign, unit, new Date(from).toISOString(), new Date(to).toISOString(), DAY_ENTRIES],
    );
    return rows.map((r) => ({
      id: r.id, origin: r.origin, metric: r.metric, delta: Number(r.delta),
      occurredAt: new Date(r.occurred_at).toISOString(), receivedAt: new Date(r.received_at).toISOString(),
      source: r.source, reason: r.reason, confirmed: r.confirmed, sender: senderOf(r),
    }));
  }

  /**
   * The communes with nothing received since `since`, each with its latest record by arrival,
   * counted or held for a chief, or none; the others are only counted.
   */
  async silent(campaign: string, communes: string[], since: number): Promise<{ unit: string; last: SilentCommune['last'] }[]> {
    if (!communes.length) return [];
    // Held records are probed only for the communes silent by their counted records: a commune
    // heard from costs what it did before there were held records.
    const rows = await this.db.em().execute<LastRow[]>(
      `with quiet as (
         select u.unit, e.received_at, e.occurred_at, e.metric, e.delta, e.source, e.person_id, e.api_key_id
         from json_array_elements_text(?::json) as u(unit)
         left join lateral (
           select received_at, occurred_at, metric, delta, source, person_id, api_key_id from event
           where campaign_id = ? and unit_code = u.unit order by received_at desc limit 1
         ) e on true
         where e.received_at is null or e.received_at < ?
       ), last as (
         select q.unit, h.received_at is not null as held,
                coalesce(h.received_at, q.received_at) as received_at, coalesce(h.occurred_at, q.occurred_at) as occurred_at,
                coalesce(h.metric, q.metric) as metric, coalesce(h.delta, q.delta) as delta,
                case when h.received_at is null then q.source else h.source end as source,
                coalesce(h.person_id, q.person_id) as person_id, case when h.received_at is null then q.api_key_id end as api_key_id
         from quiet q
         left join lateral (
           select received_at, occurred_at, metric, delta, source, person_id from held_record
           where campaign_id = ? and unit_code = q.unit and received_at > coalesce(q.received_at, '-infinity') order by received_at desc limit 1
         ) h on true
       )
       select l.unit, l.held, l.received_at, l.occurred_at, l.metric, l.delta, l.source, p.name as person_name, k.name as key_name
       from last l left join person p on p.id = l.person_id left join api_key k on k.id = l.api_key_id
       where l.received_at is null or l.received_at < ?`,
      [JSON.stringify(communes), campaign, new Date(since).toISOString(), campaign, new Date(since).toISOString()],
    );
    return rows.map((r) => ({
      unit: r.unit,
      last: r.received_at === null ? null : {
        receivedAt: new Date(r.received_at).toISOString(), occurredAt: new Date(r.occurred_at!).toISOString(),
        metric: r.metric!, delta: Number(r.delta), source: r.source, sender: senderOf(r), held: r.held === true,
      },
    }));
  }
}

function senderOf(r: { person_name: string | null; key_name: string | null }): Sender | null {
  if (r.person_name !== null) return { kind: 'person', name: r.person_name };
  if (r.key_name !== null) return { kind: 'key', name: r.key_name };
  return null;
}
