/**
 * What the office reads and keeps beside the counts: the sheets imported for a day (their
 * reports), a day's corrections and the communes that sent nothing, and notes pinned to a unit
 * and a date range. A note and its audit row are written in one transaction.
 */
import { Injectable } from '@nestjs/common';
import { endOfLocalDay, startOfLocalDay, type NoteInfo } from '@tiendo/shared';
import { Database } from '../database/database.js';
import { AuditRepository, type Actor } from '../repositories/audit.repository.js';

/** Reports made from an office's sheet have ids of this shape: sheet:<day>:<metric>:<commune>:<kind>:<figure>. */
export const SHEET_ID_PREFIX = 'sheet:';

export interface SheetReport {
  sender: string;
  id: string;
  metric: string;
  unit: string;
  total: number;
  receivedAt: string;
}

interface NoteRow {
  id: number;
  campaign_id: string;
  unit_code: string;
  unit_name: string;
  date_from: string;
  date_to: string;
  text: string;
  author: string;
  created_at: string;
}

const noteInfo = (r: NoteRow): NoteInfo => ({
  id: r.id, campaign: r.campaign_id, unit: r.unit_code, unitName: r.unit_name, from: r.date_from, to: r.date_to,
  text: r.text, author: r.author, createdAt: new Date(r.created_at).toISOString(),
});

const NOTE_COLUMNS = `n.id, n.campaign_id, n.unit_code, u.full_name as unit_name, to_char(n.date_from, 'YYYY-MM-DD') as date_from,
  to_char(n.date_to, 'YYYY-MM-DD') as date_to, n.text, n.author, n.created_at`;

@Injectable()
export class OfficeRepository {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepository,
  ) {}

  /** Every report made from a sheet of this day, whoever sent it, earliest first. */
  async sheetReports(campaign: string, date: string): Promise<SheetReport[]> {
    const rows = await this.db.em().execute<{ sender_scope: string; id: string; metric: string; unit_code: string; total: string; received_at: string }[]>(
      `select sender_scope, id, metric, unit_code, total, received_at from report
       where campaign_id = ? and id like ? order by received_at, id`,
      [campaign, `${SHEET_ID_PREFIX}${date}:%`],
    );
    return rows.map((r) => ({
      sender: r.sender_scope, id: r.id, metric: r.metric, unit: r.unit_code, total: Number(r.total), receivedAt: new Date(r.received_at).toISOString(),
    }));
  }

  /**
   * The communes among `communes` with a record or a report on that day, counted or held by the
   * plausibility rule: a commune whose figure waits for its chief did report.
   */
  async reportedOn(campaign: string, date: string, timeZone: string, communes: string[]): Promise<Set<string>> {
    const [start, end] = [new Date(startOfLocalDay(date, timeZone)), new Date(endOfLocalDay(date, timeZone))];
    const units = JSON.stringify(communes);
    const rows = await this.db.em().execute<{ unit_code: string }[]>(
      `select unit_code from daily_value where campaign_id = ? and day = ? and unit_code in (select json_array_elements_text(?::json))
       union
       select unit_code from report where campaign_id = ? and as_of >= ? and as_of < ? and unit_code in (select json_array_elements_text(?::json))
       union
       select unit_code from held_record where campaign_id = ? and occurred_at >= ? and occurred_at < ? and unit_code in (select json_array_elements_text(?::json))`,
      [campaign, date, units, campaign, start, end, units, campaign, start, end, units],
    );
    return new Set(rows.map((r) => r.unit_code));
  }

  /** The records of that day that took something back, among `communes`, in the order they happened. */
  async corrections(campaign: string, date: string, communes: string[]) {
    const rows = await this.db.em().execute<{
      unit_code: string; metric: string; delta: number; occurred_at: string; reason: string | null; source: string | null;
      person: string | null; key: string | null;
    }[]>(
      `select e.unit_code, e.metric, e.delta, e.occurred_at, e.reason, e.source, p.name as person, k.name as key
       from event e left join person p on p.id = e.person_id left join api_key k on k.id = e.api_key_id
       where e.campaign_id = ? and e.day = ? and e.delta < 0 and e.unit_code in (select json_array_elements_text(?::json))
       order by e.occurred_at, e.unit_code`,
      [campaign, date, JSON.stringify(communes)],
    );
    return rows.map((r) => ({
      unit: r.unit_code, metric: r.metric, delta: Number(r.delta), occurredAt: new Date(r.occurred_at).toISOString(),
      reason: r.reason, by: r.person ?? r.key ?? r.source ?? '',
    }));
  }

  /** The notes of a campaign on any of `units`, those covering `date` only when given. */
  async notes(campaign: string, units: string[], date: string | null): Promise<NoteInfo[]> {
    const rows = await this.db.em().execute<NoteRow[]>(
      `select ${NOTE_COLUMNS} from note n join unit u on u.code = n.unit_code
       where n.campaign_id = ? and n.deleted_at is null and n.unit_code in (select json_array_elements_text(?::json))
         and (?::date is null or (n.date_from <= ?::date and n.date_to >= ?::date))
       order by n.date_from, n.id`,
      [campaign, JSON.stringify(units), date, date, date],
    );
    return rows.map(noteInfo);
  }

  async note(campaign: string, id: number): Promise<NoteInfo | null> {
    const [row] = await this.db.em().execute<NoteRow[]>(
      `select ${NOTE_COLUMNS} from note n join unit u on u.code = n.unit_code where n.campaign_id = ? and n.id = ? and n.deleted_at is null`,
      [campaign, id],
    );
    return row ? noteInfo(row) : null;
  }

  async addNote(actor: Actor, campaign: string, note: { unit: string; from: string; to: string; text: string }): Promise<number> {
    return this.db.em().transactional(async (em) => {
      const [row] = await em.execute<{ id: number }[]>(
        'insert into note (campaign_id, unit_code, date_from, date_to, text, author) values (?, ?, ?, ?, ?, ?) returning id',
        [campaign, note.unit, note.from, note.to, note.text, actor.name],
      );
      await this.audit.record(em, actor, [{ action: 'note.create', entity: 'note', entityId: String(row.id), unit: note.unit, campaign, after: note }]);
      return row.id;
    });
  }

  /** Takes a note down (it stays in the database, as history does); false when there was none. */
  async deleteNote(actor: Actor, note: NoteInfo, reason: string): Promise<boolean> {
    return this.db.em().transactional(async (em) => {
      const rows = await em.execute<{ id: number }[]>(
        'update note set deleted_at = now() where campaign_id = ? and id = ? and deleted_at is null returning id', [note.campaign, note.id]);
      if (!rows.length) return false;
      await this.audit.record(em, actor, [{
        action: 'note.delete', entity: 'note', entityId: String(note.id), unit: note.unit, campaign: note.campaign,
        before: { unit: note.unit, from: note.from, to: note.to, text: note.text }, reason,
      }]);
      return true;
    });
  }
}
