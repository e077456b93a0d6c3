import { Migration } from '@mikro-orm/migrations';

/** Boundary files: drafts awaiting confirmation, the active version of each level, and those they replaced. */
export class Migration20261128000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table boundary_map (
        id serial primary key,
        level text not null check (level in ('district', 'commune')),
        status text not null default 'draft' check (status in ('draft', 'active', 'replaced')),
        file_name text not null,
        property text,
        parent_property text,
        topology text not null,
        report jsonb not null,
        stored_bytes int not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        confirmed_at timestamptz
      );
      create index boundary_map_level_status_index on boundary_map (level, status);
      -- One active map per level, whatever the timing of two confirmations.
      create unique index boundary_map_active_index on boundary_map (level) where status = 'active';
    `);
  }
}
