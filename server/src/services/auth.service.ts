/**
 * Who is asking, and what they may see. Bearer keys have a role and a scope (a unit and
 * everything below it).
 *
 * Every request carries its key, so lookups are cached, and one query serves every request
 * that waits for the same key. Known and unknown keys are cached apart: a flood of made-up
 * keys can only push out other made-up keys. A revocation is announced through the database,
 * so every instance drops the key at once and ends the sockets that use it.
 *
 * Failed attempts are counted per address. Past the limit the address is answered 429 for any
 * key it has not shown to be valid, without a query; a valid key from it keeps working.
 */
import {
  ForbiddenException, HttpException, HttpStatus, Inject, Injectable, Logger, UnauthorizedException,
  type OnModuleDestroy, type OnModuleInit,
} from '@nestjs/common';
import type { PersonRole } from '@tiendo/shared';
import { LRUCache } from 'lru-cache';
import type { KeyRole } from '../entities/index.js';
import { SessionsService } from '../admin/sessions.service.js';
import { KeyRepository } from '../repositories/key.repository.js';

/** A revocation reaches every instance through NOTIFY; this only bounds a missed one. */
const KNOWN_TTL_MS = 60_000;
const UNKNOWN_TTL_MS = 60_000;
const CACHED_KEYS = 10_000;
const TRACKED_ADDRESSES = 10_000;
const FAILURE_WINDOW_MS = 60_000;

export interface Principal {
  keyId: number | null;
  /** Set for a signed-in person. */
  personId?: number;
  name: string;
  role: KeyRole | PersonRole | 'public';
  scope: string;
  /** A person whose password an administrator set: only the password change is allowed. */
  mustChangePassword?: boolean;
}

/** Who sent a request: its Authorization header, its session cookie and the address it came from. */
export interface Credentials {
  authorization: string | undefined;
  /** The token of a signed-in person's session cookie. */
  session?: string;
  address: string;
}

/**
 * What each role may do. One table for keys and people; every right is further bounded by the
 * principal's scope (a unit and everything below it), which the services check on the data.
 */
export type Capability = 'read' | 'report' | 'keys' | 'administer' | 'people' | 'audit' | 'annotate' | 'review';

/** `review`: confirm or reject the records the plausibility rule held (those who may not have theirs held instead). */
export const CAPABILITIES: Record<Principal['role'], readonly Capability[]> = {
  admin: ['read', 'report', 'keys', 'administer', 'people', 'audit', 'annotate', 'review'],
  leadership: ['read', 'audit', 'annotate', 'review'],
  chief: ['read', 'report', 'people', 'annotate', 'review'],
  officer: ['read', 'report'],
  ingest: ['read', 'report'],
  display: ['read'],
  public: ['read'],
};

export interface AccessOptions {
  /** Display data readable without a key. */
  publicDisplay: boolean;
  /** Failed key attempts an address may make per minute. */
  authFailureLimit: number;
}

export const ACCESS_OPTIONS = Symbol('ACCESS_OPTIONS');

export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfter: number) {
    super(`Authorization: too many failed key attempts from this address; retry in ${retryAfter} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** The reader of a public display. */
const CAPABILITY_WORDS: Record<Capability, string> = {
  read: 'read', report: 'report counts', keys: 'manage keys', administer: 'administer campaigns, units and maps',
  people: 'manage people', audit: 'read the audit trail', annotate: 'annotate', review: 'confirm or reject held records',
};

export const PUBLIC: Principal = { keyId: null, name: 'public', role: 'public', scope: '' };

@Injectable()
export class AuthService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AuthService.name);
  private readonly known = new LRUCache<string, Principal>({ max: CACHED_KEYS, ttl: KNOWN_TTL_MS, noDeleteOnStaleGet: true });
  private readonly unknown = new LRUCache<string, true>({ max: CACHED_KEYS, ttl: UNKNOWN_TTL_MS });
  private readonly failures = new LRUCache<string, { count: number; resetAt: number }>({ max: TRACKED_ADDRESSES, ttl: FAILURE_WINDOW_MS });
  private readonly inFlight = new Map<string, Promise<Principal | null>>();
  /** Moves on every revocation: a lookup that overlapped one asks again. */
  private generation = 0;
  private readonly revokedListeners: ((keyId: number | null) => void)[] = [];
  private stopListening: (() => Promise<void>) | null = null;

  constructor(
    private readonly keys: KeyRepository,
    private readonly sessions: SessionsService,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stopListening = await this.keys.onRevoked((keyId) => this.revoked(keyId));
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopListening?.();
  }

  get publicDisplay(): boolean {
    return this.options.publicDisplay;
  }

  static bearer(authorization: string | undefined): string | undefined {
    return /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  }

  /**
   * The principal of a request: its key, else its signed-in person; 401 without either (429
   * past the limit of failed keys).
   */
  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.authorization === undefined && credentials.session) {
      const person = await this.sessions.principal(credentials.session);
      if (!person) throw new UnauthorizedException('session: signed out or expired; sign in again');
      return person;
    }
    const token = AuthService.bearer(credentials.authorization);
    if (!token) throw new UnauthorizedException('Authorization: expected "Bearer <api key>", or sign in');
    return this.identify(token, credentials.address);
  }

  /** 403 unless the principal's role has the capability. */
  requireCapability(principal: Principal, capability: Capability): void {
    if (CAPABILITIES[principal.role].includes(capability)) return;
    const who = principal.personId ? 'your role' : 'this key';
    throw new ForbiddenException(`Authorization: ${who} ("${principal.role}") may not do this; it needs the right to ${CAPABILITY_WORDS[capability]}`);
  }

  /**
   * Access to display data of a scope: a valid key whose subtree holds the scope, or, when
   * displays are public, anyone; then a valid key sees all the public sees, and an invalid
   * one is still refused.
   */
  async authorizeDisplay(credentials: Credentials, scope: string, within: (code: string, scope: string) => boolean): Promise<Principal> {
    const principal = await this.displayer(credentials);
    this.requireScope(principal, scope, within);
    return principal;
  }

  /** Who reads display data: the key or person sent, or the public when displays are public; else 401. */
  async displayer(credentials: Credentials): Promise<Principal> {
    if (credentials.authorization === undefined && !credentials.session) {
      if (this.options.publicDisplay) return PUBLIC;
      throw new UnauthorizedException('Authorization: a display key is required, or sign in');
    }
    return this.authenticate(credentials);
  }

  /** Whether a principal may display a scope. */
  mayDisplay(principal: Principal, scope: string, within: (code: string, scope: string) => boolean): boolean {
    return this.options.publicDisplay || within(scope, principal.scope);
  }

  requireScope(principal: Principal, scope: string, within: (code: string, scope: string) => boolean): void {
    if (this.mayDisplay(principal, scope, within)) return;
    throw new ForbiddenException(`scope: this key may only display unit ${principal.scope} and below, not ${scope}`);
  }

  /** The principal of a key, or 401; 429 when the address has failed too often. */
  async identify(token: string, address: string): Promise<Principal> {
    const known = this.known.get(token);
    if (known) return known;
    if (this.unknown.has(token)) return this.refuse(address);
    const wait = this.blockedFor(address);
    // A key seen valid a while ago may be checked again; a key never seen is not, from here.
    if (wait && !this.known.get(token, { allowStale: true })) throw new TooManyAttemptsException(wait);
    const principal = await this.find(token);
    return principal ?? this.refuse(address);
  }

  /** A key's principal now, or null; not an attempt of anyone's, so never limited. */
  async verify(token: string): Promise<Principal | null> {
    return this.known.get(token) ?? (this.unknown.has(token) ? null : this.find(token));
  }


  /**
   * Called with the id of a revoked key (from this instance or another), or with null when
   * revocations may have been missed: then every cached key is dropped and checked again.
   */
  onRevoked(listener: (keyId: number | null) => void): void {
    this.revokedListeners.push(listener);
  }

  /** Drops a revoked key (every key, for null) and tells the listeners. */
  revoked(keyId: number | null): void {
    this.generation++;
    if (keyId === null) this.known.clear();
    else for (const [token, principal] of this.known.entries()) if (principal.keyId === keyId) this.known.delete(token);
    for (const listener of this.revokedListeners) {
      try {
        listener(keyId);
      } catch (error) {
        this.logger.error((error as Error).stack);
      }
    }
  }

  /** One query per key however many requests wait for it. */
  private find(token: string): Promise<Principal | null> {
    let pending = this.inFlight.get(token);
    if (!pending) {
      pending = this.query(token).finally(() => this.inFlight.delete(token));
      this.inFlight.set(token, pending);
    }
    return pending;
  }

  private async query(token: string): Promise<Principal | null> {
    for (;;) {
      const generation = this.generation;
      const key = await this.keys.findActive(token);
      if (generation !== this.generation) continue;
      if (!key) {
        this.unknown.set(token, true);
        return null;
      }
      const principal: Principal = { keyId: key.id, name: key.name, role: key.role, scope: key.scopeCode };
      this.known.set(token, principal);
      return principal;
    }
  }

  private refuse(address: string): never {
    const now = Date.now();
    let entry = this.failures.get(address);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + FAILURE_WINDOW_MS };
      this.failures.set(address, entry);
    }
    entry.count++;
    if (entry.count > this.options.authFailureLimit) throw new TooManyAttemptsException(Math.ceil((entry.resetAt - now) / 1000));
    throw new UnauthorizedException('Authorization: unknown or revoked api key');
  }

  /** Seconds until the address may try unknown keys again; 0 when it may now. */
  private blockedFor(address: string): number {
    const entry = this.failures.get(address);
    const now = Date.now();
    if (!entry || entry.resetAt <= now || entry.count < this.options.authFailureLimit) return 0;
    return Math.ceil((entry.resetAt - now) / 1000);
  }
}
