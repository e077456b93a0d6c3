/**
 * The units of a scope that fell silent (nothing received for six hours), for a ranking to mark.
 * Asked once a minute with the screen's display key or its person's session; a screen that may
 * not read silence (a public wall, which must not name people) simply marks nothing.
 */
import { DEFAULT_SILENCE_HOURS, type SilenceReport } from '@tiendo/shared';
import { displayKey } from '$lib/api';

const EVERY_MS = 60_000;

export class SilentUnits {
  codes = $state.raw<ReadonlySet<string>>(new Set());

  /** Follows the scope `target` returns (null: none); returns the function that stops it. */
  follow(target: () => { campaign: string; scope: string } | null): () => void {
    let stopped = false;
    const load = async () => {
      const t = target();
      if (!t || stopped) return;
      const key = displayKey(new URLSearchParams(location.search));
      const path = `/api/v1/campaigns/${encodeURIComponent(t.campaign)}/silence?scope=${encodeURIComponent(t.scope)}&hours=${DEFAULT_SILENCE_HOURS}`;
      try {
        const response = await fetch(path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
        if (!response.ok) return;
        const report = (await response.json()) as SilenceReport;
        if (!stopped) this.codes = new Set(report.silent.map((s) => s.unit));
      } catch {
        // No connection: the marks stay as they were; the screen's freshness line tells the rest.
      }
    };
    void load();
    const timer = setInterval(() => void load(), EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }
}
