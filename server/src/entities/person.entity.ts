import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { PersonRole } from '@tiendo/shared';

/** Someone who signs in: a role scoped to a unit subtree, as keys are. */
@Entity({ tableName: 'person' })
export class Person {
  [OptionalProps]?: 'createdAt' | 'disabledAt' | 'sessionVersion' | 'passwordTemporary';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  login: string;

  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text' })
  role: PersonRole;

  @Property({ type: 'text' })
  scopeCode: string;

  /** argon2id. */
  @Property({ type: 'text', hidden: true })
  passwordHash: string;

  /** Set by an administrator: to be changed at the first sign-in. */
  @Property({ type: 'boolean' })
  passwordTemporary = true;

  @Property({ type: 'Date' })
  createdAt: Date = new Date();

  @Property({ type: 'Date', nullable: true })
  disabledAt: Date | null = null;

  /** Sessions made under another version have ended (password reset, account disabled). */
  @Property({ type: 'integer' })
  sessionVersion = 1;

  constructor(login: string, name: string, role: PersonRole, scopeCode: string, passwordHash: string) {
    this.login = login;
    this.name = name;
    this.role = role;
    this.scopeCode = scopeCode;
    this.passwordHash = passwordHash;
  }
}

/** A signed-in browser: only the hash of its cookie's token is kept. */
@Entity({ tableName: 'session' })
export class PersonSession {
  @PrimaryKey({ type: 'text' })
  tokenHash!: string;

  @Property({ type: 'integer' })
  personId!: number;

  @Property({ type: 'integer' })
  sessionVersion!: number;

  @Property({ type: 'Date' })
  createdAt!: Date;

  @Property({ type: 'Date' })
  expiresAt!: Date;
}

/** One line of the append-only audit trail (the database refuses updates and deletes). */
@Entity({ tableName: 'audit' })
export class AuditRecord {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Property({ type: 'Date' })
  at!: Date;

  @Property({ type: 'text' })
  actorKind!: 'person' | 'key' | 'system';

  @Property({ type: 'integer', nullable: true })
  actorId!: number | null;

  @Property({ type: 'text' })
  actorName!: string;

  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  entity!: string;

  @Property({ type: 'text', nullable: true })
  entityId!: string | null;

  @Property({ type: 'text', nullable: true })
  unitCode!: string | null;

  @Property({ type: 'text', nullable: true })
  campaignId!: string | null;

  @Property({ type: 'json', nullable: true })
  before!: unknown;

  @Property({ type: 'json', nullable: true })
  after!: unknown;

  @Property({ type: 'text', nullable: true })
  reason!: string | null;
}
