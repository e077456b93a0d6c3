import { Migration } from '@mikro-orm/migrations';

/** The campaign schema: catalog, campaigns, the append-only event log and what is derived from it. */
export class Migration20261127000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table unit (
        code text primary key,
        name text not null,
        full_name text not null,
        type text not null,
        level text not null check (level in ('country', 'province', 'district', 'commune')),
        parent_code text references unit (code)
      );
      create index unit_parent_code_index on unit (parent_code);

      create table campaign (
        id text primary key,
        name text not null,
        time_zone text not null,
        start_date date not null,
        root_unit text not null references unit (code),
        created_at timestamptz not null default now()
      );

      create table metric (
        campaign_id text not null references campaign (id) on delete cascade,
        key text not null,
        name text not null,
        position int not null,
        primary key (campaign_id, key)
      );

      create table milestone (
        id serial primary key,
        campaign_id text not null references campaign (id) on delete cascade,
        name text not null,
        date date not null
      );

      create table target (
        campaign_id text not null,
        metric text not null,
        unit_code text not null references unit (code),
        target bigint not null check (target >= 0),
        primary key (campaign_id, metric, unit_code),
        foreign key (campaign_id, metric) references metric (campaign_id, key) on delete cascade
      );

      create table api_key (
        id serial primary key,
        name text not null,
        role text not null check (role in ('ingest', 'display', 'admin')),
        scope_code text not null references unit (code),
        token_hash text not null unique,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      );

      create table event (
        campaign_id text not null,
        id text not null,
        metric text not null,
        unit_code text not null,
        delta int not null check (delta <> 0),
        occurred_at timestamptz not null,
        day date not null,
        received_at timestamptz not null default now(),
        source text,
        reason text,
        api_key_id int references api_key (id),
        primary key (campaign_id, id),
        foreign key (campaign_id, metric) references metric (campaign_id, key) on delete cascade
      );
      create index event_unit_index on event (campaign_id, unit_code, occurred_at);

      -- Every cumulative report received, so that a retried report counts once even when it
      -- changed nothing.
      create table report (
        campaign_id text not null references campaign (id) on delete cascade,
        id text not null,
        metric text not null,
        unit_code text not null,
        total bigint not null,
        as_of timestamptz not null,
        received_at timestamptz not null default now(),
        source text,
        primary key (campaign_id, id)
      );

      create table counter (
        campaign_id text not null,
        metric text not null,
        unit_code text not null,
        value bigint not null,
        last_seq bigint not null,
        primary key (campaign_id, metric, unit_code)
      );

      create table daily_value (
        campaign_id text not null,
        metric text not null,
        unit_code text not null,
        day date not null,
        value bigint not null,
        primary key (campaign_id, metric, unit_code, day)
      );
      create index daily_value_day_index on daily_value (campaign_id, day);

      create table change (
        seq bigint not null,
        campaign_id text not null,
        metric text not null,
        unit_code text not null,
        day date not null,
        value bigint not null,
        day_value bigint not null,
        occurred_at timestamptz not null,
        primary key (seq, campaign_id, metric, unit_code, day)
      );

      create table log_head (
        id int primary key check (id = 1),
        seq bigint not null
      );
      insert into log_head (id, seq) values (1, 0);

      create table completion (
        campaign_id text not null,
        metric text not null,
        unit_code text not null,
        completed_at timestamptz not null,
        primary key (campaign_id, metric, unit_code)
      );
    `);
  }
}
