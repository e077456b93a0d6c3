import { Migration } from '@mikro-orm/migrations';

/**
 * Ingest closer to the database.
 * - The event log keeps no foreign keys. Each one was a lookup, and a shared row lock taken on
 *   the referenced row by every insert, for facts the ingest path checks before writing: the
 *   metric is one of the campaign's (and a metric with records cannot be removed), and keys
 *   and people are never deleted, only revoked or disabled.
 * - Counters no longer say which sequence number last set them: the number is taken at the
 *   very end of a batch, after the counters are written, and a screen that resumes from before
 *   an instance's start gets every value anyway.
 * - `ingest_all_new` lets a batch of new records be written in one statement that undoes
 *   itself when one of them was known (see IngestRepository).
 */
export class Migration20261201010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table event drop constraint event_campaign_id_metric_fkey;
      alter table event drop constraint event_api_key_id_fkey;
      alter table event drop constraint event_person_id_fkey;
      alter table counter drop column last_seq;

      create function ingest_all_new(inserted bigint, sent bigint) returns boolean language plpgsql as $$
      begin
        if inserted < sent then
          raise exception 'records of the batch were known before' using errcode = 'TD001';
        end if;
        return true;
      end;
      $$;
    `);
  }
}
