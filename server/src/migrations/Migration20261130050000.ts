import { Migration } from '@mikro-orm/migrations';

/**
 * The office's work: daily sheets of counts read and awaiting confirmation like other files,
 * notes pinned to a unit and a date range (kept when taken down, as history is), and the
 * indexes the evening report reads a day by: the day's corrections and the reports received.
 */
export class Migration20261130050000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table pending_import drop constraint pending_import_kind_check;
      alter table pending_import add constraint pending_import_kind_check check (kind in ('targets', 'catalog', 'counts'));

      create table note (
        id serial primary key,
        campaign_id text not null references campaign (id) on delete cascade,
        unit_code text not null references unit (code),
        date_from date not null,
        date_to date not null check (date_to >= date_from),
        text text not null,
        author text not null,
        created_at timestamptz not null default now(),
        deleted_at timestamptz
      );
      create index note_campaign_unit_index on note (campaign_id, unit_code) where deleted_at is null;

      create index event_correction_index on event (campaign_id, day) where delta < 0;
      create index report_as_of_index on report (campaign_id, as_of);
    `);
  }
}
