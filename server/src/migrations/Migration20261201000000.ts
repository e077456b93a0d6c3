import { Migration } from '@mikro-orm/migrations';

/**
 * Records held by the plausibility rule: what a commune officer sent beyond the rule's limit is
 * not counted and not lost, but kept here, under the sender's id, with the limit it broke, until
 * a chief confirms it (it is then an event like any other) or rejects it with a reason. One
 * decision per record: a held row changes once, from `held`.
 */
export class Migration20261201000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table held_record (
        id serial primary key,
        campaign_id text not null references campaign (id) on delete cascade,
        sender_scope text not null,
        origin text not null check (origin in ('event', 'report')),
        record_id text not null,
        metric text not null,
        unit_code text not null references unit (code),
        delta bigint not null,
        total bigint,
        occurred_at timestamptz not null,
        received_at timestamptz not null default now(),
        source text,
        reason text,
        person_id int not null references person (id),
        limit_amount bigint not null,
        limit_why text not null,
        status text not null default 'held' check (status in ('held', 'confirmed', 'rejected')),
        decided_at timestamptz,
        decider_kind text check (decider_kind in ('person', 'key')),
        decider_id int,
        decider_name text,
        decision_reason text,
        -- The sender's id names one record, held or counted (the service keeps the two apart).
        unique (campaign_id, sender_scope, origin, record_id),
        foreign key (campaign_id, metric) references metric (campaign_id, key) on delete cascade,
        check ((status = 'held') = (decided_at is null)),
        check (status <> 'rejected' or decision_reason is not null),
        check ((origin = 'report') = (total is not null))
      );
      create index held_record_waiting_index on held_record (campaign_id, unit_code) where status = 'held';
      create index held_record_unit_index on held_record (campaign_id, unit_code, received_at);
    `);
  }
}
