/**
 * Signing in. A session is a random token in an httpOnly, SameSite cookie; the database keeps
 * its hash. Failed attempts are limited per login and per address, and an unknown login costs
 * the same as a wrong password, so neither guessing nor probing for names pays.
 */
import { ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import type { SessionInfo } from '@tiendo/shared';
import { loginSchema, passwordChangeSchema } from '@tiendo/shared/admin-schemas';
import { LRUCache } from 'lru-cache';
import { Database } from '../database/database.js';
import { AuditRepository } from '../repositories/audit.repository.js';
import { PeopleRepository, toPersonInfo } from '../repositories/people.repository.js';
import type { Principal } from '../services/auth.service.js';
import { parseBody } from '../services/ingest.service.js';
import { actorOf } from './actor.js';

export const SESSION_COOKIE = 'tiendo_session';
export const SESSION_TTL_MS = 7 * 86_400_000;
const WINDOW_MS = 15 * 60_000;
const FAILURES_PER_LOGIN = 5;
const FAILURES_PER_ADDRESS = 30;

export class SignInThrottledException extends HttpException {
  constructor(readonly retryAfter: number) {
    super(`login: too many failed sign-ins; try again in ${Math.ceil(retryAfter / 60)} min`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

@Injectable()
export class SessionsService {
  private readonly failures = new LRUCache<string, { count: number; resetAt: number }>({ max: 20_000, ttl: WINDOW_MS });
  /** A hash to verify against when the login is unknown, so that both cost the same. */
  private readonly decoy = hash('not a password of anyone');

  constructor(
    private readonly db: Database,
    private readonly people: PeopleRepository,
    private readonly audit: AuditRepository,
  ) {}

  async signIn(body: unknown, address: string): Promise<{ token: string; session: SessionInfo }> {
    const { login, password } = parseBody(loginSchema, body);
    const keys = [`login:${login.toLowerCase()}`, `address:${address}`];
    this.checkThrottle(keys[0], FAILURES_PER_LOGIN);
    this.checkThrottle(keys[1], FAILURES_PER_ADDRESS);
    const person = await this.people.byLogin(login);
    const valid = await verify(person?.passwordHash ?? (await this.decoy), password).catch(() => false);
    if (!person || !valid) {
      for (const k of keys) this.fail(k);
      throw new UnauthorizedException('login: wrong login or password');
    }
    if (person.disabledAt) throw new ForbiddenException('login: this account is disabled; ask your administrator');
    this.failures.delete(keys[0]);
    const { token, expiresAt } = await this.people.createSession(person, SESSION_TTL_MS);
    await this.db.em().transactional((em) => this.audit.record(em, { kind: 'person', id: person.id, name: person.name }, [
      { action: 'session.sign-in', entity: 'person', entityId: String(person.id), unit: person.scopeCode },
    ]));
    return { token, session: { person: toPersonInfo(person), expiresAt: expiresAt.toISOString(), mustChangePassword: person.passwordTemporary } };
  }

  /** The principal of a session cookie, or null when it is unknown, expired or ended. */
  async principal(token: string): Promise<Principal | null> {
    const found = await this.people.sessionPerson(token);
    if (!found) return null;
    const { person } = found;
    return {
      keyId: null, personId: person.id, name: person.name, role: person.role, scope: person.scopeCode,
      mustChangePassword: person.passwordTemporary,
    };
  }

  async session(token: string): Promise<SessionInfo | null> {
    const found = await this.people.sessionPerson(token);
    if (!found) return null;
    return { person: toPersonInfo(found.person), expiresAt: found.expiresAt.toISOString(), mustChangePassword: found.person.passwordTemporary };
  }

  async signOut(token: string): Promise<void> {
    await this.people.endSession(token);
  }

  /** A new password ends every other session of the person; this browser gets a new one. */
  async changePassword(principal: Principal, body: unknown): Promise<{ token: string; session: SessionInfo }> {
    const request = parseBody(passwordChangeSchema, body);
    const person = principal.personId ? await this.people.find(principal.personId) : null;
    if (!person) throw new ForbiddenException('Authorization: sign in to change your password');
    this.checkThrottle(`login:${person.login.toLowerCase()}`, FAILURES_PER_LOGIN);
    if (!(await verify(person.passwordHash, request.current).catch(() => false))) {
      this.fail(`login:${person.login.toLowerCase()}`);
      throw new UnauthorizedException('current: wrong password');
    }
    if (request.password === request.current) throw new HttpException('password: choose a password other than the current one', 422);
    await this.db.em().transactional(async (em) => {
      const p = (await this.people.find(person.id, em))!;
      Object.assign(p, { passwordHash: await hash(request.password), passwordTemporary: false, sessionVersion: p.sessionVersion + 1 });
      await em.flush();
      Object.assign(person, p);
      await this.audit.record(em, actorOf(principal), [{ action: 'person.change-password', entity: 'person', entityId: String(person.id), unit: person.scopeCode }]);
    });
    const { token, expiresAt } = await this.people.createSession(person, SESSION_TTL_MS);
    return { token, session: { person: toPersonInfo(person), expiresAt: expiresAt.toISOString(), mustChangePassword: false } };
  }

  private checkThrottle(key: string, limit: number): void {
    const entry = this.failures.get(key);
    if (entry && entry.count >= limit && entry.resetAt > Date.now()) throw new SignInThrottledException(Math.ceil((entry.resetAt - Date.now()) / 1000));
  }

  private fail(key: string): void {
    const entry = this.failures.get(key);
    if (entry && entry.resetAt > Date.now()) entry.count++;
    else this.failures.set(key, { count: 1, resetAt: Date.now() + WINDOW_MS });
  }
}
