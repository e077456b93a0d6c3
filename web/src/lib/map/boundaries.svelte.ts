/**
 * The map a panel draws: the server's boundaries of a unit at a level (an imported file, with
 * schematic tiles for any unit it lacks, or the schematic alone), fetched again when an admin
 * confirms a new file and after a reconnection. The server answers with an ETag, so asking again
 * costs a 304. When the server cannot be asked, the schematic is drawn from the units at hand:
 * a wall never shows an empty panel.
 */
import { MAP_SOURCE_HEADER, schematicMap, type MapLevel, type UnitInfo } from '@tiendo/shared';
import type { Topology } from 'topojson-specification';
import { displayKey } from '$lib/api';
import { appState } from '$lib/app.svelte';

const RETRY_MS = 30_000;

export interface Boundaries {
  topology: Topology;
  /** Not (only) real boundaries: the legend says so. */
  schematic: boolean;
}

export function useBoundaries(target: () => { unit: string; level: MapLevel; units: UnitInfo[] } | null): { readonly current: Boundaries | null } {
  const app = appState();
  const key = displayKey(new URLSearchParams(location.search));
  let loaded = $state.raw(new Map<string, Boundaries>());
  const wanted = $derived.by(() => {
    const t = target();
    return t ? `${t.unit}|${t.level}` : null;
  });
  const mapChange = $derived(app.live.mapChange);
  const online = $derived(app.live.connection === 'live');

  $effect(() => {
    void mapChange;
    const asked = wanted;
    if (!asked || !online) return;
    const [unit, level] = asked.split('|');
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      let boundaries: Boundaries;
      try {
        const response = await fetch(`/api/v1/maps/${encodeURIComponent(unit)}?level=${level}`, {
          headers: key ? { authorization: `Bearer ${key}` } : {},
          cache: 'no-cache',
        });
        if (!response.ok) throw new Error(`${response.status}`);
        boundaries = { topology: (await response.json()) as Topology, schematic: response.headers.get(MAP_SOURCE_HEADER) !== 'imported' };
      } catch {
        if (cancelled) return;
        const t = target();
        if (!t) return;
        boundaries = { topology: schematicMap(t.units, t.unit) as unknown as Topology, schematic: true };
        timer = setTimeout(load, RETRY_MS);
      }
      if (!cancelled) loaded = new Map(loaded).set(asked, boundaries);
    };
    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  });

  return {
    get current() {
      return wanted ? (loaded.get(wanted) ?? null) : null;
    },
  };
}
