import { Migration } from '@mikro-orm/migrations';

/**
 * Silent communes: each commune's latest arrival is one probe of this index, so a district
 * chief's list of communes that stopped reporting costs the same on the first day and the last.
 */
export class Migration20261130040000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index event_unit_received_index on event (campaign_id, unit_code, received_at);');
  }
}
