/**
 * Which web pages may use the API and the socket from a browser. A browser names the page's
 * origin in `Origin`; programs (ingest systems, scripts) send none and are judged by their key
 * alone. By default only the deployment's own pages may: those whose origin names the host the
 * request was sent to, which also holds behind the development proxy.
 */
import type { IncomingMessage } from 'node:http';

export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | null): boolean {
  if (origin === undefined) return true;
  if (allowed) return allowed.includes(origin.toLowerCase());
  try {
    return !!host && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function requestOriginAllowed(request: IncomingMessage, allowed: readonly string[] | null): boolean {
  return originAllowed(request.headers.origin, request.headers.host, allowed);
}
