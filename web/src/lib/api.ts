/**
 * The REST side of the server contract. Every request carries the display key when there is
 * one; a failure is thrown as an ApiError for the caller to retry, never turned into a page.
 */
import type { CampaignInfo, Coverage, HistoryResponse, NoteInfo, SeriesResponse, UnitCatalog } from '@tiendo/shared';

const STORAGE_KEY = 'tiendo.displayKey';

/**
 * The long-lived display key: taken from `?key=` once and kept in localStorage, so a TV that
 * reboots onto a bookmarked URL without the key still gets in.
 */
export function displayKey(search: URLSearchParams): string | null {
  const fromUrl = search.get('key');
  if (fromUrl) {
    globalThis.localStorage?.setItem(STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
}

/** Drops a key the server refused, so that a restart does not show it again; the screen says why. */
export function forgetDisplayKey(key: string): void {
  if (globalThis.localStorage?.getItem(STORAGE_KEY) === key) globalThis.localStorage.removeItem(STORAGE_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(
    private readonly key: string | null,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  private async get<T>(path: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    const response = await this.fetchFn(path, { headers });
    if (!response.ok) throw new ApiError(response.status, `${response.status} ${path}`);
    return (await response.json()) as T;
  }

  /** `readable`: only the campaigns whose whole wall this screen may show. */
  campaigns(readable = false): Promise<CampaignInfo[]> {
    return this.get(readable ? '/api/v1/campaigns?readable=true' : '/api/v1/campaigns');
  }

  /** The units a live subscription covers (their values come over the socket). */
  units({ campaign, scope, depth }: Coverage): Promise<UnitCatalog> {
    const query = `scope=${encodeURIComponent(scope)}${depth === null ? '' : `&depth=${depth}`}`;
    return this.get(`/api/v1/campaigns/${encodeURIComponent(campaign)}/units?${query}`);
  }

  series(campaign: string, unit: string): Promise<SeriesResponse> {
    return this.get(`/api/v1/campaigns/${encodeURIComponent(campaign)}/series?unit=${encodeURIComponent(unit)}`);
  }

  /** The notes a unit's pace chart shows: its own, and those of the units above and below it. */
  notes(campaign: string, unit: string): Promise<NoteInfo[]> {
    return this.get(`/api/v1/campaigns/${encodeURIComponent(campaign)}/notes?unit=${encodeURIComponent(unit)}`);
  }

  history(campaign: string, scope: string, date: string): Promise<HistoryResponse> {
    const query = `scope=${encodeURIComponent(scope)}&date=${encodeURIComponent(date)}`;
    return this.get(`/api/v1/campaigns/${encodeURIComponent(campaign)}/history?${query}`);
  }
}
