/** People and their sessions. Only hashes are stored: of passwords (argon2id) and of session tokens. */
import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PersonInfo, PersonRole } from '@tiendo/shared';
import { Database } from '../database/database.js';
import { Person } from '../entities/index.js';

export const toPersonInfo = (p: Person): PersonInfo => ({
  id: p.id, login: p.login, name: p.name, role: p.role, scope: p.scopeCode, disabled: p.disabledAt !== null, createdAt: p.createdAt.toISOString(),
});

export interface SessionPerson {
  person: Person;
  expiresAt: Date;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

@Injectable()
export class PeopleRepository {
  constructor(private readonly db: Database) {}

  async all(): Promise<Person[]> {
    return this.db.em().find(Person, {}, { orderBy: { id: 'asc' } });
  }

  async find(id: number, em: EntityManager = this.db.em()): Promise<Person | null> {
    return em.findOne(Person, { id });
  }

  async byLogin(login: string): Promise<Person | null> {
    const [row] = await this.db.em().execute<{ id: number }[]>('select id from person where lower(login) = lower(?)', [login]);
    return row ? this.find(row.id) : null;
  }

  async count(): Promise<number> {
    return this.db.em().count(Person, {});
  }

  /** A new session for a person: the token goes in the cookie, its hash in the database. */
  async createSession(person: Person, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.db.em().execute(
      'insert into session (token_hash, person_id, session_version, expires_at) values (?, ?, ?, ?)',
      [hashToken(token), person.id, person.sessionVersion, expiresAt],
    );
    return { token, expiresAt };
  }

  /**
   * The person of a session that is still good: not expired, the person not disabled, and no
   * password reset or disable since it began (session_version).
   */
  async sessionPerson(token: string): Promise<SessionPerson | null> {
    const [row] = await this.db.em().execute<{ person_id: number; expires_at: string }[]>(
      `select s.person_id, s.expires_at from session s join person p on p.id = s.person_id
       where s.token_hash = ? and s.expires_at > now() and p.disabled_at is null and p.session_version = s.session_version`,
      [hashToken(token)],
    );
    if (!row) return null;
    const person = await this.find(row.person_id);
    return person ? { person, expiresAt: new Date(row.expires_at) } : null;
  }

  async endSession(token: string): Promise<void> {
    await this.db.em().execute('delete from session where token_hash = ?', [hashToken(token)]);
  }

  async deleteExpiredSessions(): Promise<void> {
    await this.db.em().execute('delete from session where expires_at < now()');
  }

  static roleRank(role: PersonRole): number {
    return ['officer', 'chief', 'leadership', 'admin'].indexOf(role);
  }
}
