/**
 * The office's side of the API: the daily sheet of counts (preview, then confirm), the progress
 * table's files, the evening report and the notes pinned to the timeline. A signed-in person's session cookie goes with every
 * request; a display key kept by this browser is sent too, for what displays may read. A
 * refusal is thrown with the server's message, which names the problem.
 */
import {
  MAP_SOURCE_HEADER, type CampaignInfo, type CountImportPreview, type CountImportResult, type CountKind, type EveningReport, type MapLevel, type NoteInfo,
  type SessionInfo, type Snapshot,
} from '@tiendo/shared';
import type { Topology } from 'topojson-specification';
import { displayKey } from '$lib/api';

export class OfficeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class OfficeApi {
  private readonly key = displayKey(new URLSearchParams(globalThis.location?.search ?? ''));

  /** `asPerson`: with the session only, for what a display key kept here may not do (a key would speak instead of the person). */
  private async call<T>(path: string, init: RequestInit = {}, asPerson = false): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...(init.headers as Record<string, string>) };
    if (this.key && !asPerson) headers.authorization = `Bearer ${this.key}`;
    const response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new OfficeError(response.status, (body as { message?: string } | null)?.message ?? `${response.status}`);
    return body as T;
  }

  campaigns(): Promise<CampaignInfo[]> {
    return this.call('/api/v1/campaigns');
  }

  /** The campaign's units (and their values now), for choosing a scope. */
  snapshot(campaign: string, scope: string): Promise<Snapshot> {
    return this.call(`/api/v1/campaigns/${encodeURIComponent(campaign)}/snapshot?scope=${encodeURIComponent(scope)}`);
  }

  /** The file goes as it is, as the body; the day and the kind of its figures only when it does not say them. */
  preview(campaign: string, file: File, date: string | null, kind: CountKind | null): Promise<CountImportPreview> {
    const query = new URLSearchParams({ name: file.name });
    if (date) query.set('date', date);
    if (kind) query.set('kind', kind);
    return this.call(`/api/v1/campaigns/${encodeURIComponent(campaign)}/counts/import?${query}`, {
      method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file,
    });
  }

  confirm(campaign: string, importId: string, reason: string | null, confirmed: boolean): Promise<CountImportResult> {
    return this.call(`/api/v1/campaigns/${encodeURIComponent(campaign)}/counts/import/${encodeURIComponent(importId)}/confirm`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(reason ? { reason } : {}), ...(confirmed ? { confirmed } : {}) }),
    });
  }

  /** Who is signed in; null when nobody is. */
  async session(): Promise<SessionInfo | null> {
    try {
      return await this.call<SessionInfo>('/api/v1/session', {}, true);
    } catch (e) {
      if (e instanceof OfficeError && e.status === 401) return null;
      throw e;
    }
  }

  /** The notes a unit's chart shows: its own, those above it and those below it. */
  notes(campaign: string, unit: string): Promise<NoteInfo[]> {
    return this.call(`/api/v1/campaigns/${encodeURIComponent(campaign)}/notes?unit=${encodeURIComponent(unit)}`, {}, true);
  }

  addNote(campaign: string, note: { unit: string; from: string; to: string; text: string }): Promise<NoteInfo> {
    return this.call(`/api/v1/campaigns/${encodeURIComponent(campaign)}/notes`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(note),
    }, true);
  }

  async removeNote(campaign: string, id: number, reason: string): Promise<void> {
    await this.call(`/api/v1/campaigns/${encodeURIComponent(campaign)}/notes/${id}`, {
      method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason }),
    }, true);
  }

  report(campaign: string, scope: string, date: string | null): Promise<EveningReport> {
    const query = new URLSearchParams({ scope });
    if (date) query.set('date', date);
    return this.call(`/api/v1/campaigns/${encodeURIComponent(campaign)}/report?${query}`);
  }

  /** The boundaries of a unit's children at a level (imported, or the schematic). */
  async map(unit: string, level: MapLevel): Promise<{ topology: Topology; schematic: boolean }> {
    const headers: Record<string, string> = this.key ? { authorization: `Bearer ${this.key}` } : {};
    const response = await fetch(`/api/v1/maps/${encodeURIComponent(unit)}?level=${level}`, { headers, credentials: 'same-origin' });
    if (!response.ok) throw new OfficeError(response.status, `${response.status}`);
    return { topology: (await response.json()) as Topology, schematic: response.headers.get(MAP_SOURCE_HEADER) !== 'imported' };
  }

  /** The progress table as a file, with the name the server gives it. */
  async export(campaign: string, scope: string, date: string | null, format: 'xlsx' | 'csv', metric: string | null): Promise<{ blob: Blob; name: string }> {
    const query = new URLSearchParams({ scope, format });
    if (date) query.set('date', date);
    if (metric) query.set('metric', metric);
    const headers: Record<string, string> = this.key ? { authorization: `Bearer ${this.key}` } : {};
    const response = await fetch(`/api/v1/campaigns/${encodeURIComponent(campaign)}/export?${query}`, { headers, credentials: 'same-origin' });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new OfficeError(response.status, (body as { message?: string } | null)?.message ?? `${response.status}`);
    }
    const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `tien-do.${format}`;
    return { blob: await response.blob(), name };
  }
}

/** Hands a file to the browser to save. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
