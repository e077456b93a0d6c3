import { Migration } from '@mikro-orm/migrations';

/**
 * Trust in the counts.
 * - A record's id belongs to its sender: events and reports are keyed by the scope of the key
 *   that sent them, so one commune cannot take the id another will use. Events made from
 *   cumulative reports keep the report's id in an id space of their own (`origin`).
 * - A record that broke the plausibility rule and was sent again as confirmed says so.
 * - Each metric has a plausibility rule (see PlausibilityRule in the shared protocol).
 * - The change log gets an identity (epoch): sequence numbers of a reset or restored database
 *   are not those a screen holds, and a screen from another epoch must start over.
 * - Change rows say when their earliest record happened and whether any took something back,
 *   so that a late record or a correction makes every instance recompute completions.
 * - Completions can be withdrawn, and carry the sequence number they were decided at, so that
 *   an instance lagging behind cannot overwrite a later decision.
 */
export class Migration20261130000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table event add column sender_scope text;
      alter table event add column origin text not null default 'event' check (origin in ('event', 'report'));
      alter table event add column confirmed boolean not null default false;
      update event e set origin = 'report', id = substr(e.id, 8)
        where e.id like 'report:%' and exists (select 1 from report r where r.campaign_id = e.campaign_id and 'report:' || r.id = e.id);
      update event e set sender_scope = coalesce((select k.scope_code from api_key k where k.id = e.api_key_id), e.unit_code);
      alter table event alter column sender_scope set not null;
      alter table event drop constraint event_pkey;
      alter table event add primary key (campaign_id, sender_scope, origin, id);

      alter table report add column sender_scope text;
      update report r set sender_scope = coalesce(
        (select e.sender_scope from event e where e.campaign_id = r.campaign_id and e.origin = 'report' and e.id = r.id limit 1),
        r.unit_code);
      alter table report alter column sender_scope set not null;
      alter table report drop constraint report_pkey;
      alter table report add primary key (campaign_id, sender_scope, id);

      alter table metric add column plausibility jsonb not null
        default '{"shareOfTarget": 0.25, "timesBestDay": 20, "minDays": 7, "floor": 500}';

      alter table log_head add column epoch text not null default gen_random_uuid()::text;

      alter table change add column first_at timestamptz;
      alter table change add column negative boolean not null default false;

      alter table counter add column last_at timestamptz;
      update counter c set last_at = (select max(e.occurred_at) from event e
        where e.campaign_id = c.campaign_id and e.metric = c.metric and e.unit_code = c.unit_code);

      alter table completion alter column completed_at drop not null;
      alter table completion add column seq bigint not null default 0;
    `);
  }
}
