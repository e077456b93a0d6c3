/**
 * The unit catalog as the admin pages use it: loaded once per tab, looked up by code, searched
 * by name with or without diacritics, and labelled with the type and the parent so that two
 * communes of the same name never look alike ("Xã Thạch Kênh · Thạch Hà").
 */
import { foldDiacritics, type UnitInfo } from '@tiendo/shared';
import { shortName } from '$lib/names';
import { adminApi } from './api';

class UnitCatalog {
  units = $state.raw<UnitInfo[]>([]);
  byCode = $derived(new Map(this.units.map((u) => [u.code, u])));
  children = $derived.by(() => {
    const map = new Map<string, UnitInfo[]>();
    for (const u of this.units) {
      if (u.parent === null) continue;
      const list = map.get(u.parent);
      if (list) list.push(u);
      else map.set(u.parent, [u]);
    }
    return map;
  });
  #folded = $derived(this.units.map((u) => ({ unit: u, name: foldDiacritics(u.name), full: foldDiacritics(u.fullName) })));
  #loading: Promise<void> | null = null;
  #root: string | null = null;

  /** Loads the catalog under `root` (the person's scope), once per person; `fresh` after an import. */
  load(root: string | null, fresh = false): Promise<void> {
    if (fresh || !this.#loading || root !== this.#root) {
      this.#root = root;
      this.#loading = adminApi.units(root ?? undefined).then((units) => void (this.units = units));
      this.#loading.catch(() => (this.#loading = null));
    }
    return this.#loading;
  }

  name(code: string | null | undefined): string {
    if (!code) return '';
    const unit = this.byCode.get(code);
    return unit ? unit.fullName : code;
  }

  /** "Xã Thạch Kênh · Thạch Hà": the unit with its type, and the parent it belongs to. */
  label(code: string | null | undefined): string {
    if (!code) return '';
    const unit = this.byCode.get(code);
    if (!unit) return code;
    const parent = unit.parent ? this.byCode.get(unit.parent) : undefined;
    return parent ? `${unit.fullName} · ${shortName(parent)}` : unit.fullName;
  }

  /** The unit and its ancestors, from the top. */
  path(code: string): UnitInfo[] {
    const path: UnitInfo[] = [];
    for (let u = this.byCode.get(code); u; u = u.parent ? this.byCode.get(u.parent) : undefined) path.unshift(u);
    return path;
  }

  /** Whether `code` is `scope` or lies below it. */
  within(code: string, scope: string): boolean {
    return this.path(code).some((u) => u.code === scope);
  }

  /** Units whose name (or code) starts with, then contains, what was typed; diacritics optional. */
  search(text: string, accept: (unit: UnitInfo) => boolean = () => true, limit = 8): UnitInfo[] {
    const typed = foldDiacritics(text.trim());
    if (!typed) return [];
    const starts: UnitInfo[] = [];
    const contains: UnitInfo[] = [];
    for (const { unit, name, full } of this.#folded) {
      if (!accept(unit)) continue;
      if (unit.code === text.trim() || name.startsWith(typed) || full.startsWith(typed)) starts.push(unit);
      else if (full.includes(typed)) contains.push(unit);
      if (starts.length >= limit) break;
    }
    return [...starts, ...contains].slice(0, limit);
  }
}

export const catalog = new UnitCatalog();
