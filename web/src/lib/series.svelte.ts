/**
 * The end-of-day series of a unit for the pace chart, with the notes pinned to its timeline,
 * fetched when the unit or the day changes and refreshed every few minutes; the live value
 * supplies today.
 */
import type { NoteInfo, SeriesResponse } from '@tiendo/shared';
import { appState } from './app.svelte';

const REFRESH_MS = 5 * 60_000;
const RETRY_MS = 15_000;

export function useSeries(
  target: () => { campaign: string; unit: string } | null,
  today: () => string | null,
): { readonly data: SeriesResponse | null; readonly notes: NoteInfo[] } {
  const app = appState();
  let data = $state.raw<SeriesResponse | null>(null);
  let notes = $state.raw<NoteInfo[]>([]);
  // Derived, so that the clock ticking within the same day does not refetch.
  const day = $derived(today());
  const key = $derived(JSON.stringify(target()));

  $effect(() => {
    void day;
    const wanted = JSON.parse(key) as ReturnType<typeof target>;
    if (!wanted) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout>;
    const load = async () => {
      try {
        const [response, pinned] = await Promise.all([app.api.series(wanted.campaign, wanted.unit), app.api.notes(wanted.campaign, wanted.unit)]);
        if (cancelled) return;
        data = response;
        notes = pinned;
        timer = setTimeout(load, REFRESH_MS);
      } catch {
        if (!cancelled) timer = setTimeout(load, RETRY_MS);
      }
    };
    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  });

  return {
    get data() {
      const wanted = target();
      return data && wanted && data.unit === wanted.unit && data.campaign === wanted.campaign ? data : null;
    },
    get notes() {
      return this.data ? notes : [];
    },
  };
}
