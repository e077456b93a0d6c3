import { Migration } from '@mikro-orm/migrations';

/**
 * Trust in the counts.
 * - The change log gets an identity (epoch): sequence numbers of a reset or restored database
 *   are not those a screen holds, and a screen from another epoch must start over.
 */
export class Migration20261130000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table log_head add column epoch text not null default gen_random_uuid()::text;
    `);
  }
}
