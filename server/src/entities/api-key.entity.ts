import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

export type KeyRole = 'ingest' | 'display' | 'admin';

/** A bearer key scoped to a unit subtree and a role. Only a hash of the secret is stored. */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  [OptionalProps]?: 'createdAt' | 'revokedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  role: KeyRole;

  @Property({ type: 'text' })
  scopeCode: string;

  @Property({ type: 'text', unique: true })
  tokenHash: string;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  revokedAt: Date | null = null;

  constructor(name: string, role: KeyRole, scopeCode: string, tokenHash: string) {
    this.name = name;
    this.role = role;
    this.scopeCode = scopeCode;
    this.tokenHash = tokenHash;
  }
}
