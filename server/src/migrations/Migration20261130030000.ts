import { Migration } from '@mikro-orm/migrations';

/**
 * Running a campaign from nothing: campaigns that close and archive, metrics with their own
 * start and short name, milestones bound to metrics and to the document that set them, target
 * revisions kept as versions, units' own commitments, people with sessions, and the audit
 * trail, which the database itself keeps append-only.
 */
export class Migration20261130030000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table unit add column population int check (population >= 0);

      alter table campaign add column status text not null default 'active' check (status in ('active', 'closed', 'archived'));

      alter table metric add column short_name text;
      alter table metric add column start_date date;
      alter table metric add column activation_of text;

      alter table milestone add column metrics text[] not null default '{}';
      alter table milestone add column document text;
      update milestone m set metrics = (select array_agg(key order by position) from metric where campaign_id = m.campaign_id);

      -- Every target a unit has had, with the reason: history shows the target as it stood.
      create table target_version (
        id bigserial primary key,
        campaign_id text not null,
        metric text not null,
        unit_code text not null references unit (code),
        -- null: no target of its own from then on, the sum of its children's.
        target bigint check (target >= 0),
        valid_from timestamptz not null default now(),
        reason text not null,
        author text not null,
        foreign key (campaign_id, metric) references metric (campaign_id, key) on delete cascade
      );
      create index target_version_unit_index on target_version (campaign_id, metric, unit_code, valid_from);
      insert into target_version (campaign_id, metric, unit_code, target, valid_from, reason, author)
        select t.campaign_id, t.metric, t.unit_code, t.target, c.created_at, 'Chỉ tiêu ban đầu', 'system'
        from target t join campaign c on c.id = t.campaign_id;

      -- A unit's own date for a metric ("Hương Khê cam kết xong trước 15/6").
      create table commitment (
        campaign_id text not null,
        metric text not null,
        unit_code text not null references unit (code),
        date date not null,
        document text,
        primary key (campaign_id, metric, unit_code),
        foreign key (campaign_id, metric) references metric (campaign_id, key) on delete cascade
      );

      create table person (
        id serial primary key,
        login text not null,
        name text not null,
        role text not null check (role in ('admin', 'leadership', 'chief', 'officer')),
        scope_code text not null references unit (code),
        password_hash text not null,
        -- Set by the administrator who made it: to be changed at the first sign-in.
        password_temporary boolean not null default true,
        created_at timestamptz not null default now(),
        disabled_at timestamptz,
        -- Bumped by a password reset or a disable: every session of the person ends at once.
        session_version int not null default 1
      );
      create unique index person_login_index on person (lower(login));

      create table session (
        token_hash text primary key,
        person_id int not null references person (id),
        session_version int not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null
      );
      create index session_person_index on session (person_id);

      alter table event add column person_id int references person (id);

      -- A file read and shown for confirmation, kept until confirmed (any instance may be asked).
      create table pending_import (
        id text primary key,
        kind text not null check (kind in ('targets', 'catalog')),
        campaign_id text,
        payload jsonb not null,
        created_by text not null,
        created_at timestamptz not null default now()
      );

      create table audit (
        id bigserial primary key,
        at timestamptz not null default now(),
        actor_kind text not null check (actor_kind in ('person', 'key', 'system')),
        actor_id int,
        actor_name text not null,
        action text not null,
        entity text not null,
        entity_id text,
        unit_code text,
        campaign_id text,
        before jsonb,
        after jsonb,
        reason text
      );
      create index audit_at_index on audit (at);
      create index audit_unit_index on audit (unit_code, at);

      create function audit_is_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'the audit trail is append-only: % is not allowed', tg_op using errcode = '42501';
      end;
      $$;
      create trigger audit_no_update before update or delete on audit for each row execute function audit_is_append_only();
      create trigger audit_no_truncate before truncate on audit for each statement execute function audit_is_append_only();
    `);
  }
}
