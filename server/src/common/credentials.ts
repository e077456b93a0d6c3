/** The key, the session cookie and the address of an HTTP request, as one handler parameter. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { SESSION_COOKIE } from '../admin/sessions.service.js';
import type { Credentials } from '../services/auth.service.js';

/** The value of one cookie of a Cookie header, if it is there. */
export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
  }
  return undefined;
}

export function credentialsOf(request: Request): Credentials {
  return {
    authorization: request.headers.authorization,
    session: cookie(request.headers.cookie, SESSION_COOKIE),
    address: request.ip ?? request.socket.remoteAddress ?? '',
  };
}

export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Credentials =>
  credentialsOf(context.switchToHttp().getRequest<Request>()));
