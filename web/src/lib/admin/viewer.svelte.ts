/**
 * Who is using the admin pages, and which pages their role opens (the role table of
 * `shared/src/admin.ts`). Loaded once per tab by the admin shell; a person who is not signed in
 * is sent to /signin with the page they wanted, unless an admin key is kept in this browser.
 */
import type { PersonInfo, PersonRole, SessionInfo } from '@tiendo/shared';
import { AdminError, adminApi } from './api';
import { storedAdminKey } from './maps-api';
import { catalog } from './units.svelte';

export type AdminPage = 'campaigns' | 'units' | 'people' | 'keys' | 'maps' | 'audit';

const PAGES: Record<PersonRole, readonly AdminPage[]> = {
  admin: ['campaigns', 'units', 'people', 'keys', 'maps', 'audit'],
  leadership: ['campaigns', 'audit'],
  chief: ['people'],
  officer: [],
};

export function pagesFor(role: PersonRole): readonly AdminPage[] {
  return PAGES[role];
}


export type Viewer =
  | { kind: 'person'; person: PersonInfo; expiresAt: string; mustChangePassword: boolean }
  /** No session, but an admin key kept in this browser answers. */
  | { kind: 'key' };

class ViewerState {
  current = $state.raw<Viewer | null>(null);
  loading: Promise<Viewer | null> | null = null;

  get role(): PersonRole | null {
    const v = this.current;
    return v === null ? null : v.kind === 'key' ? 'admin' : v.person.role;
  }

  /** The person's scope; a key is taken as the whole catalog. */
  get scope(): string | null {
    const v = this.current;
    return v?.kind === 'person' ? v.person.scope : null;
  }

  /** The pages the role opens; boundary maps are a province's (or the country's) administrators'. */
  get pages(): readonly AdminPage[] {
    const role = this.role;
    if (!role) return [];
    const scope = this.scope === null ? null : catalog.byCode.get(this.scope);
    const wide = this.scope === null || scope?.level === 'province' || scope?.level === 'country';
    return pagesFor(role).filter((p) => p !== 'maps' || wide);
  }

  /** Whether the viewer administers `unit` (a campaign's area, say): an administrator of a unit above it. */
  administers(unit: string): boolean {
    return this.role === 'admin' && (this.scope === null || catalog.within(unit, this.scope));
  }

  load(): Promise<Viewer | null> {
    this.loading ??= this.#fetch().then((v) => (this.current = v));
    return this.loading;
  }

  signedIn(session: SessionInfo): void {
    const viewer: Viewer = { kind: 'person', ...session };
    this.current = viewer;
    this.loading = Promise.resolve(viewer);
  }

  forget(): void {
    this.current = null;
    this.loading = null;
  }

  async #fetch(): Promise<Viewer | null> {
    try {
      const session = await adminApi.session();
      return { kind: 'person', ...session };
    } catch (e) {
      if (!(e instanceof AdminError) || (e.status !== 401 && e.status !== 404)) throw e;
    }
    if (!storedAdminKey()) return null;
    try {
      await adminApi.keys();
      return { kind: 'key' };
    } catch {
      return null;
    }
  }
}

export const viewer = new ViewerState();

/** The sign-in page's address for coming back to `here`. */
export function signInUrl(here: URL): string {
  return `/signin?next=${encodeURIComponent(here.pathname + here.search)}`;
}

/** Only paths of this site: `?next=` must never send anyone elsewhere. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/admin';
}
