/**
 * Authorization in one place. A handler says what it needs with `@Allow('report')`; the guard
 * finds who is asking (a key, or a signed-in person) and refuses with 401 or 403 before the
 * handler runs; the handler takes the principal with `@Who()`. Scopes (which units) are the
 * services' to check, on the data. A signed-in browser may only write from this origin, and a
 * person with a password an administrator set may only change it.
 */
import {
  applyDecorators, createParamDecorator, ForbiddenException, Injectable, SetMetadata, UseGuards,
  type CanActivate, type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService, type Capability, type Principal } from '../services/auth.service.js';
import { credentialsOf } from './credentials.js';

const ALLOW = 'tiendo:allow';

interface Rule {
  capabilities: Capability[];
  /** Open to a person who must still change a one-time password. */
  beforePasswordChange?: boolean;
}

type WithPrincipal = Request & { principal?: Principal };

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<Rule>(ALLOW, context.getHandler());
    const request = context.switchToHttp().getRequest<WithPrincipal>();
    const credentials = credentialsOf(request);
    const principal = await this.auth.authenticate(credentials);
    if (principal.personId) {
      if (request.method !== 'GET' && !sameOrigin(request)) {
        throw new ForbiddenException('Origin: a signed-in browser may only write from this site');
      }
      if (principal.mustChangePassword && !rule.beforePasswordChange) {
        throw new ForbiddenException('password: choose your own password first (POST /api/v1/session/password)');
      }
    }
    for (const capability of rule.capabilities) this.auth.requireCapability(principal, capability);
    request.principal = principal;
    return true;
  }
}

/** A cookie-carrying write from another site is refused even where SameSite would let it by. */
function sameOrigin(request: Request): boolean {
  const origin = request.headers.origin ?? request.headers.referer;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** The handler needs someone with these capabilities (none: anyone identified). */
export function Allow(...capabilities: Capability[]) {
  return applyDecorators(SetMetadata(ALLOW, { capabilities } satisfies Rule), UseGuards(AccessGuard));
}

/** For the sign-in pages themselves: anyone signed in, even before the first password change. */
export function AllowSignedIn() {
  return applyDecorators(SetMetadata(ALLOW, { capabilities: [], beforePasswordChange: true } satisfies Rule), UseGuards(AccessGuard));
}

/** The principal the guard found. */
export const Who = createParamDecorator((_: unknown, context: ExecutionContext): Principal =>
  context.switchToHttp().getRequest<WithPrincipal>().principal!);
