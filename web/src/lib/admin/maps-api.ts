/**
 * The admin side of the boundary map API, with the admin key kept in this browser, or the
 * session of an administrator signed in. A refusal is thrown with the server's message, which
 * names the problem.
 */
import type { MapImportPreview, MapLevel, MapVersionInfo } from '@tiendo/shared';
import type { Topology } from 'topojson-specification';

const STORAGE_KEY = 'tiendo.adminKey';

export function storedAdminKey(): string | null {
  return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
}

export function storeAdminKey(key: string | null): void {
  if (key) globalThis.localStorage?.setItem(STORAGE_KEY, key);
  else globalThis.localStorage?.removeItem(STORAGE_KEY);
}

export interface ImportChoice {
  level: MapLevel | null;
  property: string | null;
  /** null: let the server propose; '': match without a parent column. */
  parentProperty: string | null;
}

export class MapsAdmin {
  /** `key` null: the session cookie goes with each request instead. */
  constructor(private readonly key: string | null) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = this.key ? { ...init.headers, authorization: `Bearer ${this.key}` } : init.headers;
    const response = await fetch(path, { ...init, headers });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body as { message?: string } | null)?.message ?? `${response.status}`);
    return body as T;
  }

  versions(): Promise<MapVersionInfo[]> {
    return this.call('/api/v1/maps/versions');
  }

  /** The file is sent as it is, as the body; the choices go in the query. */
  check(file: File, choice: ImportChoice): Promise<MapImportPreview> {
    const query = new URLSearchParams({ name: file.name });
    if (choice.level) query.set('level', choice.level);
    if (choice.property) query.set('property', choice.property);
    if (choice.parentProperty !== null) query.set('parentProperty', choice.parentProperty);
    return this.call(`/api/v1/maps/import?${query}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file });
  }

  topology(importId: number): Promise<Topology> {
    return this.call(`/api/v1/maps/import/${importId}/topology`);
  }

  /** `decisions`: feature number → unit code or "excluded", for what the file left unclear. */
  confirm(importId: number, decisions: ReadonlyMap<number, string>): Promise<MapVersionInfo> {
    return this.call(`/api/v1/maps/import/${importId}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ overrides: Object.fromEntries(decisions) }),
    });
  }

  /** Makes an earlier version its level's map again. */
  activate(version: number): Promise<MapVersionInfo> {
    return this.call(`/api/v1/maps/versions/${version}/activate`, { method: 'POST' });
  }
}

const SHORT_TYPES: readonly [string, string][] = [
  ['Thành phố ', 'TP '], ['Thị xã ', 'TX '], ['Thị trấn ', 'TT '], ['Phường ', 'P. '], ['Huyện ', ''], ['Quận ', 'Q. '], ['Xã ', ''],
];

/** A unit's full name as a map label: "TX Kỳ Anh", "Kỳ Anh". */
export function shortUnitName(fullName: string): string {
  const found = SHORT_TYPES.find(([words]) => fullName.startsWith(words));
  return found ? `${found[1]}${fullName.slice(found[0].length)}` : fullName;
}
