/**
 * The map a panel draws: the server's boundaries of a unit at a level (an imported file, with
 * schematic tiles for any unit it lacks, or the schematic alone), fetched again when an admin
 * confirms a new file and after a reconnection. The server answers with an ETag, so asking again
 * costs a 304. The last map received is kept, in memory for the views a kiosk rotates through and
 * in IndexedDB across restarts, and drawn at once, connected or not: the largest panel of the
 * wall never empties in an outage. Only when nothing was ever received, and the server cannot
 * be asked, is the schematic drawn from the units at hand.
 */
import { MAP_SOURCE_HEADER, schematicMap, type MapLevel, type UnitInfo } from '@tiendo/shared';
import type { Topology } from 'topojson-specification';
import { displayKey } from '$lib/api';
import { appState } from '$lib/app.svelte';
import { readMap, storeMap } from './stored-maps';

const RETRY_MS = 30_000;

export interface Boundaries {
  topology: Topology;
  /** Not (only) real boundaries: the legend says so. */
  schematic: boolean;
}

/** Maps received in this page's life, by unit and level: a rotating kiosk asks for each again. */
const received = new Map<string, Boundaries>();

export function useBoundaries(target: () => { unit: string; level: MapLevel; units: UnitInfo[] } | null): { readonly current: Boundaries | null } {
  const app = appState();
  const key = displayKey(new URLSearchParams(location.search));
  let shown = $state.raw<{ asked: string; boundaries: Boundaries } | null>(null);
  const wanted = $derived.by(() => {
    const t = target();
    return t ? `${t.unit}|${t.level}` : null;
  });
  const mapChange = $derived(app.live.mapChange);
  const online = $derived(app.live.connection === 'live');

  $effect(() => {
    void mapChange;
    const asked = wanted;
    if (!asked) return;
    const [unit, level] = asked.split('|');
    let cancelled = false;
    let fetched = false;
    let timer: ReturnType<typeof setTimeout>;
    const show = (boundaries: Boundaries) => {
      if (!cancelled) shown = { asked, boundaries };
    };
    const schematic = () => {
      const t = target();
      if (t && !received.has(asked)) show({ topology: schematicMap(t.units, t.unit) as unknown as Topology, schematic: true });
    };

    const known = received.get(asked);
    if (known) show(known);
    const stored = known
      ? Promise.resolve()
      : readMap<Boundaries>(asked).then((boundaries) => {
          if (boundaries && !fetched && !received.has(asked)) {
            received.set(asked, boundaries);
            show(boundaries);
          }
        });

    const load = async () => {
      try {
        const response = await fetch(`/api/v1/maps/${encodeURIComponent(unit)}?level=${level}`, {
          headers: key ? { authorization: `Bearer ${key}` } : {},
          cache: 'no-cache',
        });
        if (!response.ok) throw new Error(`${response.status}`);
        const boundaries = { topology: (await response.json()) as Topology, schematic: response.headers.get(MAP_SOURCE_HEADER) !== 'imported' };
        fetched = true;
        received.set(asked, boundaries);
        void storeMap(asked, boundaries);
        show(boundaries);
      } catch {
        if (cancelled) return;
        await stored;
        schematic();
        timer = setTimeout(load, RETRY_MS);
      }
    };
    if (online) void load();
    else void stored.then(schematic);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  });

  return {
    get current() {
      return shown && shown.asked === wanted ? shown.boundaries : null;
    },
  };
}
