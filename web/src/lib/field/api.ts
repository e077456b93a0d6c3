/**
 * The field pages' requests, with the signed-in person's session cookie. A read that fails
 * for want of a connection falls back to the answer kept from the last time, and says how
 * old it is; a write goes through the queue (queue.svelte.ts).
 */
import type { CampaignInfo, HeldList, HeldRecord, SessionInfo, SilenceReport, Snapshot, Standing } from '@tiendo/shared';
import { cached, forget, keep } from './store';

export class FieldError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An answer, and when the server gave it (older than now when it comes from the phone's store). */
export interface Kept<T> {
  value: T;
  at: number;
  /** Read from the phone's store: the server could not be reached. */
  offline: boolean;
}

async function requestJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new FieldError(response.status, (body as { message?: string } | null)?.message ?? `HTTP ${response.status}`);
  return body as T;
}

/** Asks the server; without a connection (or with the server down), the kept answer. */
async function keptRead<T>(name: string, path: string): Promise<Kept<T>> {
  try {
    const value = await requestJson<T>(path);
    await keep(name, value);
    return { value, at: Date.now(), offline: false };
  } catch (error) {
    if (error instanceof FieldError && error.status < 500) throw error;
    const old = await cached<T>(name);
    if (!old) throw error;
    return { ...old, offline: true };
  }
}

/** Who is signed in; null when nobody is (the kept person when the server cannot be reached). */
export async function session(): Promise<Kept<SessionInfo> | null> {
  try {
    return await keptRead<SessionInfo>('session', '/api/v1/session');
  } catch (error) {
    if (error instanceof FieldError && (error.status === 404 || error.status === 401)) {
      await forget('session');
      return null;
    }
    throw error;
  }
}

export function campaigns(): Promise<Kept<CampaignInfo[]>> {
  return keptRead('campaigns', '/api/v1/campaigns');
}

export function standing(campaign: string, unit: string): Promise<Kept<Standing>> {
  return keptRead(`standing:${campaign}:${unit}`, `/api/v1/campaigns/${encodeURIComponent(campaign)}/standing?unit=${encodeURIComponent(unit)}`);
}

/** The communes of a scope a person may report for, by name. */
export async function communes(campaign: string, scope: string): Promise<Kept<{ code: string; name: string; parent: string | null }[]>> {
  const name = `communes:${campaign}:${scope}`;
  try {
    const snapshot = await requestJson<Snapshot>(`/api/v1/campaigns/${encodeURIComponent(campaign)}/snapshot?scope=${encodeURIComponent(scope)}`);
    const names = new Map(snapshot.units.map((u) => [u.code, u.fullName]));
    const value = snapshot.units
      .filter((u) => u.level === 'commune')
      .map((u) => ({ code: u.code, name: u.fullName, parent: u.parent ? names.get(u.parent) ?? null : null }));
    await keep(name, value);
    return { value, at: Date.now(), offline: false };
  } catch (error) {
    const old = await cached<{ code: string; name: string; parent: string | null }[]>(name);
    if (!old || (error instanceof FieldError && error.status < 500)) throw error;
    return { ...old, offline: true };
  }
}

export function silence(campaign: string, scope: string, hours: number): Promise<SilenceReport> {
  return requestJson(`/api/v1/campaigns/${encodeURIComponent(campaign)}/silence?scope=${encodeURIComponent(scope)}&hours=${hours}`);
}

export function held(campaign: string, scope: string): Promise<HeldList> {
  return requestJson(`/api/v1/campaigns/${encodeURIComponent(campaign)}/held?scope=${encodeURIComponent(scope)}`);
}

/** A chief's decision on a held record; a refusal (a 409: decided already) as a FieldError. */
export function decide(campaign: string, id: number, decision: 'confirm' | 'reject', reason?: string): Promise<HeldRecord> {
  return requestJson(`/api/v1/campaigns/${encodeURIComponent(campaign)}/held/${id}/${decision}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reason === undefined ? {} : { reason }),
  });
}

/** Sends one record; the status and body as they came, or null without a connection. */
export async function send(path: string, body: unknown): Promise<{ status: number; body: { message?: string; duplicates?: number } | null } | null> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return null;
  }
  return { status: response.status, body: await response.json().catch(() => null) };
}
