/**
 * The state every screen shares, created once in the browser: the API client, the live
 * connection, the ticking clock, the campaign, the chosen metric, and the kiosk settings read
 * from the URL.
 */
import { localDate, type CampaignInfo } from '@tiendo/shared';
import { Api, displayKey, forgetDisplayKey } from './api';
import { i18n } from './i18n.svelte';
import { kioskCampaigns } from './kiosk';
import { connectLive, type LiveStore } from './live/live.svelte';

const CAMPAIGN_RETRY_MS = 5_000;

/** How the maps colour units: by progress, or against the plan's expected progress today. */
export type MapColours = 'progress' | 'plan';

export class AppState {
  readonly api: Api;
  readonly live: LiveStore;
  readonly kiosk: boolean;
  /** Seconds per view when rotating through the province and its districts (and campaigns). */
  readonly rotate: number | null;
  /** Client clock, ticking every second. */
  clientNow = $state(Date.now());
  campaigns = $state.raw<CampaignInfo[]>([]);
  /** The server answered, and it has no campaign yet. */
  noCampaign = $state(false);
  /**
   * A kiosk turning through every campaign with a key that may show none of them whole (a
   * district's key, while every campaign covers the province): not a server without campaigns.
   */
  noneWhole = $state(false);
  /** Whether this screen has a display key (from the address or kept from an earlier visit). */
  readonly hasKey: boolean;
  #campaignId = $state<string | null>(null);
  /** A rotating kiosk's `?campaigns=`: `all`, or ids separated by commas. */
  readonly #rotation: string | null;
  /** The address's settings but the key, kept when moving between views. */
  readonly #kept: URLSearchParams;
  #metric = $state<string | null>(null);
  /** `?colors=plan` sets it for a kiosk, which has no switch. */
  mapColours = $state<MapColours>('progress');

  constructor(url: URL) {
    const params = url.searchParams;
    i18n.init(params);
    const key = displayKey(params);
    this.hasKey = key !== null;
    this.api = new Api(key);
    this.live = connectLive(key, (coverage) => this.api.units(coverage), (refusal) => {
      if (key && refusal.code === 'unauthorized') forgetDisplayKey(key);
    });
    this.kiosk = params.get('kiosk') === '1';
    const rotate = Number(params.get('rotate'));
    this.rotate = this.kiosk && rotate > 0 ? Math.max(5, rotate) : null;
    this.#rotation = this.rotate ? params.get('campaigns') : null;
    this.#campaignId = params.get('campaign');
    this.#metric = params.get('metric');
    this.mapColours = params.get('colors') === 'plan' ? 'plan' : 'progress';
    this.#kept = new URLSearchParams([...params].filter(([k]) => k !== 'key'));
    setInterval(() => (this.clientNow = Date.now()), 1000);
    void this.#loadCampaigns();
  }

  /** The query string to keep when moving between views (kiosk, rotate, lang, metric, the campaign shown…). */
  get search(): string {
    const kept = new URLSearchParams(this.#kept);
    if (this.#campaignId) kept.set('campaign', this.#campaignId);
    return kept.size ? `?${kept}` : '';
  }

  /** The campaigns a rotating kiosk turns through, in order; empty when it stays with one. */
  get rotation(): string[] {
    return kioskCampaigns(this.#rotation, this.campaigns);
  }

  /**
   * The campaign shown: the one asked for (else the rotation's first), as the live connection
   * holds it once subscribed; with none asked, the live one, else the first.
   */
  get campaign(): CampaignInfo | null {
    const wanted = this.#campaignId ?? this.rotation[0];
    const asked = this.campaigns.find((c) => c.id === wanted);
    const live = this.live.campaign;
    if (live && (!asked || live.id === asked.id)) return live;
    return asked ?? this.campaigns[0] ?? null;
  }

  /** Moves to another campaign (a kiosk's rotation); the pages follow it. */
  showCampaign(id: string): void {
    this.#campaignId = id;
  }

  /** Reads the campaigns again (one may have opened or closed since); on failure the list stays as it was. */
  async reloadCampaigns(): Promise<void> {
    try {
      this.campaigns = await this.#fetchCampaigns();
    } catch {
      // The freshness line already tells that the server is not heard.
    }
  }

  /** A kiosk turning through every campaign asks only for those it may show whole. */
  #fetchCampaigns(): Promise<CampaignInfo[]> {
    return this.api.campaigns(this.#rotation?.trim() === 'all');
  }

  get metric(): string | null {
    const metrics = this.campaign?.metrics ?? [];
    return metrics.find((m) => m.key === this.#metric)?.key ?? metrics[0]?.key ?? null;
  }

  set metric(key: string) {
    this.#metric = key;
  }

  /** Server time now, ticking with the client clock. */
  get now(): number {
    return this.live.serverNow(this.clientNow);
  }

  /** Today in the campaign's time zone, by the server's clock. */
  get today(): string | null {
    const campaign = this.campaign;
    return campaign ? localDate(this.now, campaign.timeZone) : null;
  }

  /**
   * Follow a scope (the campaign root when none is given) down to `depth` levels (null: all)
   * once the campaign is known.
   */
  follow(scope?: string, depth: number | null = null): void {
    const campaign = this.campaign;
    if (campaign) this.live.watch(campaign.id, scope ?? campaign.rootUnit, depth);
  }

  async #loadCampaigns(): Promise<void> {
    // A wall display never gives up: it asks until the server has a campaign, unless the key is refused.
    while (!this.live.refusal) {
      try {
        this.campaigns = await this.#fetchCampaigns();
        if (this.campaigns.length) {
          this.noCampaign = this.noneWhole = false;
          return;
        }
        const any = this.#rotation?.trim() === 'all' && (await this.api.campaigns()).length > 0;
        this.noneWhole = any;
        this.noCampaign = !any;
      } catch {
        // Retried below; the freshness line already tells that the server is not heard.
      }
      await new Promise((resolve) => setTimeout(resolve, CAMPAIGN_RETRY_MS));
    }
  }
}

let app: AppState | null = null;

export function appState(): AppState {
  app ??= new AppState(new URL(location.href));
  return app;
}
