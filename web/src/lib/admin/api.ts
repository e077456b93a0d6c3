/**
 * The administration API as the admin pages call it. Every request rides on the session cookie
 * (httpOnly, set by the server at sign-in); an admin key kept in this browser by the maps page
 * is sent as well when there is one, so that a key alone still opens the pages. A refusal is
 * thrown as an AdminError carrying the server's message, which names the field.
 */
import type {
  AuditPage, CampaignCreate, CampaignInfo, CampaignPatch, CatalogImportPreview, CommitmentRequest, KeyCreated, KeyInfo,
  KeyRequest, KeyRevoked, LoginRequest, PersonCreate, PersonCreated, PersonInfo, PersonPatch, SessionInfo, TargetImportPreview,
  TargetRow, TargetSpreadRequest, TargetsRequest, TargetVersion, UnitInfo,
} from '@tiendo/shared';
import { storedAdminKey } from './maps-api';

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Seconds to wait, when the server says so (sign-in throttled). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }

  /** Nobody is signed in (or the session ended): the page sends the person to /signin. */
  get signedOut(): boolean {
    return this.status === 401;
  }
}

export interface AuditQuery {
  unit?: string;
  actor?: string;
  kind?: string;
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

const path = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.size ? `?${q}` : '';
}

export class AdminApi {
  /** Called when a request finds the session ended (401), so the page can send the person to sign in. */
  onSignedOut: (() => void) | null = null;

  constructor(private readonly fetchFn: typeof fetch = (...args) => fetch(...args)) {}

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const key = storedAdminKey();
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: BodyInit | undefined;
    if (body instanceof Blob) {
      headers['content-type'] = 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await this.fetchFn(url, { method, headers, body: payload, credentials: 'same-origin' });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : null;
    if (!response.ok) {
      const message = (parsed as { message?: unknown } | null)?.message;
      if (response.status === 401 && !url.startsWith('/api/v1/session')) this.onSignedOut?.();
      const retry = Number(response.headers.get('retry-after'));
      throw new AdminError(response.status, typeof message === 'string' ? message : `${response.status}`, retry > 0 ? retry : null);
    }
    return parsed as T;
  }

  // ---- session ----
  session(): Promise<SessionInfo> {
    return this.call('GET', '/api/v1/session');
  }
  signIn(request: LoginRequest): Promise<SessionInfo> {
    return this.call('POST', '/api/v1/session', request);
  }
  signOut(): Promise<void> {
    return this.call('DELETE', '/api/v1/session');
  }
  changePassword(current: string, password: string): Promise<SessionInfo> {
    return this.call('POST', '/api/v1/session/password', { current, password });
  }

  // ---- campaigns ----
  campaigns(all = false): Promise<CampaignInfo[]> {
    return this.call('GET', `/api/v1/campaigns${all ? '?status=all' : ''}`);
  }
  createCampaign(request: CampaignCreate): Promise<CampaignInfo> {
    return this.call('POST', '/api/v1/campaigns', request);
  }
  patchCampaign(id: string, patch: CampaignPatch): Promise<CampaignInfo> {
    return this.call('PATCH', `/api/v1/campaigns/${path(id)}`, patch);
  }

  // ---- targets and commitments ----
  targets(campaign: string, metric: string): Promise<TargetRow[]> {
    return this.call('GET', `/api/v1/campaigns/${path(campaign)}/targets${query({ metric })}`);
  }
  setTargets(campaign: string, request: TargetsRequest): Promise<unknown> {
    return this.call('PUT', `/api/v1/campaigns/${path(campaign)}/targets`, request);
  }
  spreadTargets(campaign: string, request: TargetSpreadRequest): Promise<unknown> {
    return this.call('POST', `/api/v1/campaigns/${path(campaign)}/targets/spread`, request);
  }
  /** `column`: the header of the target column, when the sheet has several. */
  previewTargets(campaign: string, metric: string, file: File, column?: string): Promise<TargetImportPreview> {
    return this.call('POST', `/api/v1/campaigns/${path(campaign)}/targets/import${query({ metric, name: file.name, column })}`, file);
  }
  confirmTargets(campaign: string, importId: string, reason: string): Promise<unknown> {
    return this.call('POST', `/api/v1/campaigns/${path(campaign)}/targets/import/${path(importId)}/confirm`, { reason });
  }
  targetVersions(campaign: string, metric: string, unit: string): Promise<TargetVersion[]> {
    return this.call('GET', `/api/v1/campaigns/${path(campaign)}/targets/versions${query({ unit, metric })}`);
  }
  setCommitment(campaign: string, request: CommitmentRequest): Promise<unknown> {
    return this.call('PUT', `/api/v1/campaigns/${path(campaign)}/commitments`, request);
  }
  removeCommitment(campaign: string, metric: string, unit: string): Promise<unknown> {
    return this.call('DELETE', `/api/v1/campaigns/${path(campaign)}/commitments/${path(metric)}/${path(unit)}`);
  }

  // ---- units ----
  units(root?: string): Promise<UnitInfo[]> {
    return this.call('GET', `/api/v1/units${query({ root })}`);
  }
  previewCatalog(file: File): Promise<CatalogImportPreview> {
    return this.call('POST', `/api/v1/units/import${query({ name: file.name })}`, file);
  }
  confirmCatalog(importId: string): Promise<unknown> {
    return this.call('POST', `/api/v1/units/import/${path(importId)}/confirm`);
  }

  // ---- people ----
  people(): Promise<PersonInfo[]> {
    return this.call('GET', '/api/v1/people');
  }
  createPerson(request: PersonCreate): Promise<PersonCreated> {
    return this.call('POST', '/api/v1/people', request);
  }
  patchPerson(id: number, patch: PersonPatch): Promise<PersonCreated> {
    return this.call('PATCH', `/api/v1/people/${id}`, patch);
  }

  // ---- keys ----
  keys(): Promise<KeyInfo[]> {
    return this.call('GET', '/api/v1/keys');
  }
  createKey(request: KeyRequest): Promise<KeyCreated> {
    return this.call('POST', '/api/v1/keys', request);
  }
  revokeKey(id: number): Promise<KeyRevoked> {
    return this.call('DELETE', `/api/v1/keys/${id}`);
  }

  // ---- audit ----
  audit(filter: AuditQuery): Promise<AuditPage> {
    return this.call('GET', `/api/v1/audit${query({ ...filter })}`);
  }
  /** The same filters as a CSV download (the link carries the session cookie). */
  auditCsvUrl(filter: AuditQuery): string {
    const { before: _before, limit: _limit, ...rest } = filter;
    return `/api/v1/audit${query({ ...rest, format: 'csv' })}`;
  }
}

export const adminApi = new AdminApi();
