/**
 * What a screen shows of a scope: the live values and time, or, once a past day is picked on the
 * history bar, the values at the end of that day, until "back to live". A day picked for another
 * scope (a kiosk that has rotated on) is not shown.
 */
import { endOfLocalDay, type CampaignInfo, type UnitValues } from '@tiendo/shared';
import { appState } from './app.svelte';

interface Scope {
  campaign: CampaignInfo;
  unit: string;
}

interface Shown {
  scope: string;
  date: string;
  /** The last values received for this scope, kept on screen while another day loads. */
  values: ReadonlyMap<string, UnitValues> | null;
  loading: boolean;
}

const keyOf = (scope: Scope | null) => (scope ? `${scope.campaign.id}|${scope.unit}` : null);

export class History {
  #scope: () => Scope | null;
  #shown = $state.raw<Shown | null>(null);

  constructor(scope: () => Scope | null) {
    this.#scope = scope;
  }

  /** The day shown, or null when live. */
  get date(): string | null {
    return this.#current()?.date ?? null;
  }

  /** The values shown: at the end of the day picked (once loaded), else live. */
  get values(): ReadonlyMap<string, UnitValues> {
    return this.#current()?.values ?? appState().live.values;
  }

  /** The instant shown: the end of the day picked, else the server's time now. */
  get now(): number {
    const date = this.date;
    const scope = this.#scope();
    return date && scope ? endOfLocalDay(date, scope.campaign.timeZone) - 1 : appState().now;
  }

  get loading(): boolean {
    return this.#current()?.loading ?? false;
  }

  async pick(date: string): Promise<void> {
    const scope = this.#scope();
    const key = keyOf(scope);
    if (!scope || !key) return;
    this.#shown = { scope: key, date, values: this.#current()?.values ?? null, loading: true };
    const stillWanted = () => this.#shown?.scope === key && this.#shown.date === date;
    try {
      const response = await appState().api.history(scope.campaign.id, scope.unit, date);
      if (stillWanted()) this.#shown = { scope: key, date, values: new Map(response.values.map((v) => [v.code, v])), loading: false };
    } catch {
      // The day stays picked with the values already shown; picking it again retries.
      if (stillWanted()) this.#shown = { ...this.#shown!, loading: false };
    }
  }

  backToLive(): void {
    this.#shown = null;
  }

  #current(): Shown | null {
    const shown = this.#shown;
    return shown && shown.scope === keyOf(this.#scope()) ? shown : null;
  }
}
