/** Kiosk mode helpers: the rotation through views and campaigns, and the burn-in shift. */
import type { CampaignInfo, UnitInfo } from '@tiendo/shared';

/**
 * The views of one campaign: its root's wall, then each unit of the middle level below it in
 * catalog order (none when communes lie right under the root, as in a province of two levels).
 */
export function kioskViews(units: readonly UnitInfo[], rootCode: string): string[] {
  return ['/', ...units.filter((u) => u.parent === rootCode && u.level !== 'commune').map((u) => `/district/${u.code}`)];
}

/**
 * The campaigns a kiosk turns through, from `?campaigns=`: `all` for every open one (the list
 * holds those the screen may show), or ids separated by commas, in that order (unknown or
 * archived ones left out). Empty: the campaign shown only.
 */
export function kioskCampaigns(asked: string | null, campaigns: readonly CampaignInfo[]): string[] {
  if (asked === null) return [];
  if (asked.trim() === 'all') return campaigns.filter((c) => c.status === 'active').map((c) => c.id);
  const known = new Set(campaigns.map((c) => c.id));
  return [...new Set(asked.split(',').map((id) => id.trim()))].filter((id) => known.has(id));
}

export interface KioskView {
  campaign: string;
  path: string;
}

/**
 * The view after `current`: the next of its campaign's `views`, and after the last, the wall of
 * the next campaign of `rotation` (the first again after the last). A view outside the list
 * (a commune opened by hand) goes back to the campaign's wall.
 */
export function nextKioskView(current: KioskView, views: readonly string[], rotation: readonly string[]): KioskView {
  const at = views.indexOf(current.path);
  if (at + 1 < views.length) return { campaign: current.campaign, path: views[at + 1] };
  const campaigns = rotation.length ? rotation : [current.campaign];
  const next = campaigns[(campaigns.indexOf(current.campaign) + 1) % campaigns.length];
  return { campaign: next, path: '/' };
}

/** A small loop of offsets (in px) around the origin, one step every few minutes. */
const OFFSETS: readonly { x: number; y: number }[] = [
  { x: 0, y: 0 }, { x: 2, y: 0 }, { x: 2, y: 2 }, { x: 0, y: 2 },
  { x: -2, y: 2 }, { x: -2, y: 0 }, { x: -2, y: -2 }, { x: 0, y: -2 }, { x: 2, y: -2 },
];

export function pixelShift(step: number): { x: number; y: number } {
  return OFFSETS[step % OFFSETS.length];
}
