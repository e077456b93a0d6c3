/**
 * Bearer keys, scoped to a unit subtree and a role. Lookups are cached briefly: every ingest
 * request carries a key, and a revoked key may live on for the cache's few seconds.
 */
import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { KeyRole } from '../entities/index.js';
import { KeyRepository } from '../repositories/key.repository.js';

const CACHE_MS = 10_000;

export interface Principal {
  keyId: number | null;
  name: string;
  role: KeyRole | 'public';
  scope: string;
}

/** Who may read a display when no key is given (PUBLIC_DISPLAY). */
export const PUBLIC_DISPLAY = Symbol('PUBLIC_DISPLAY');

@Injectable()
export class AuthService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    private readonly keys: KeyRepository,
    @Inject(PUBLIC_DISPLAY) private readonly publicDisplay: boolean,
  ) {}

  /**
   * Access to display data of a scope: any valid key whose subtree holds the scope, or
   * anyone when displays are public.
   */
  async authorizeDisplay(token: string | undefined, scope: string, within: (code: string, scope: string) => boolean): Promise<void> {
    if (!token) {
      if (this.publicDisplay) return;
      throw new UnauthorizedException('Authorization: a display key is required');
    }
    const principal = await this.lookup(token);
    if (!principal) throw new UnauthorizedException('Authorization: unknown or revoked api key');
    if (!within(scope, principal.scope)) {
      throw new ForbiddenException(`scope: this key may only display unit ${principal.scope} and below, not ${scope}`);
    }
  }

  static bearer(authorization: string | undefined): string | undefined {
    return /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  }

  /** The principal of an Authorization header, or 401. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const token = AuthService.bearer(authorization);
    if (!token) throw new UnauthorizedException('Authorization: expected "Bearer <api key>"');
    const principal = await this.lookup(token);
    if (!principal) throw new UnauthorizedException('Authorization: unknown or revoked api key');
    return principal;
  }

  /** Drops a revoked key from this instance's cache at once. */
  forget(keyId: number): void {
    for (const [token, entry] of this.cache) if (entry.principal?.keyId === keyId) this.cache.delete(token);
  }

  async lookup(token: string): Promise<Principal | null> {
    const cached = this.cache.get(token);
    if (cached && cached.until > Date.now()) return cached.principal;
    const key = await this.keys.findActive(token);
    const principal = key ? { keyId: key.id, name: key.name, role: key.role, scope: key.scopeCode } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { principal, until: Date.now() + CACHE_MS });
    return principal;
  }

  /** Ingest keys post counts; admin keys may do everything. */
  requireRole(principal: Principal, ...roles: KeyRole[]): void {
    if (principal.role !== 'admin' && !roles.includes(principal.role as KeyRole)) {
      throw new ForbiddenException(`Authorization: this key has the role "${principal.role}", and this needs ${roles.join(' or ')}`);
    }
  }
}
