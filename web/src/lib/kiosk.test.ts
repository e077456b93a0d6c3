import { describe, expect, it } from 'vitest';
import type { CampaignInfo, UnitInfo } from '@tiendo/shared';
import { kioskCampaigns, kioskViews, nextKioskView, type KioskView } from './kiosk.js';

const unit = (code: string, level: UnitInfo['level'], parent: string | null): UnitInfo => ({ code, name: code, fullName: code, type: '', level, parent });
const campaign = (id: string, rootUnit: string, status: CampaignInfo['status'] = 'active'): CampaignInfo =>
  ({ id, name: id, timeZone: 'Asia/Ho_Chi_Minh', startDate: '2026-03-01', rootUnit, status, metrics: [], milestones: [], commitments: [] });

// A province of three levels (two districts), a province of two levels, and a district's own campaign.
const UNITS: Record<string, UnitInfo[]> = {
  '42': [unit('42', 'province', null), unit('436', 'district', '42'), unit('437', 'district', '42'), unit('18586', 'commune', '436')],
  '99': [unit('99', 'province', null), unit('99001', 'commune', '99'), unit('99002', 'commune', '99')],
  '445': [unit('445', 'district', '42'), unit('18586', 'commune', '445')],
};
const CAMPAIGNS = [campaign('ha-tinh', '42'), campaign('cu', '42', 'closed'), campaign('hai-cap', '99'), campaign('thach-ha', '445')];

/** The views a kiosk shows, tick after tick, from `start`. */
function rotate(start: KioskView, rotation: string[], ticks: number): string[] {
  const shown = [start];
  for (let i = 0; i < ticks; i++) {
    const current = shown.at(-1)!;
    const root = CAMPAIGNS.find((c) => c.id === current.campaign)!.rootUnit;
    shown.push(nextKioskView(current, kioskViews(UNITS[root], root), rotation));
  }
  return shown.map((v) => `${v.campaign} ${v.path}`);
}

describe('kioskViews', () => {
  it('is the root wall, then each district', () => {
    expect(kioskViews(UNITS['42'], '42')).toEqual(['/', '/district/436', '/district/437']);
  });

  it('is the root wall alone where communes lie right under it', () => {
    expect(kioskViews(UNITS['99'], '99')).toEqual(['/']);
    expect(kioskViews(UNITS['445'], '445')).toEqual(['/']);
  });
});

describe('kioskCampaigns', () => {
  it('takes every open campaign, in the server’s order, for `all`', () => {
    expect(kioskCampaigns('all', CAMPAIGNS)).toEqual(['ha-tinh', 'hai-cap', 'thach-ha']);
  });

  it('keeps the order asked, once each, leaving out what the server does not list', () => {
    expect(kioskCampaigns('thach-ha,ha-tinh,gone,thach-ha', CAMPAIGNS)).toEqual(['thach-ha', 'ha-tinh']);
    // Named, a closed campaign is shown: its final figures.
    expect(kioskCampaigns('cu, hai-cap', CAMPAIGNS)).toEqual(['cu', 'hai-cap']);
  });

  it('is empty without `campaigns=`: the kiosk stays with its campaign', () => {
    expect(kioskCampaigns(null, CAMPAIGNS)).toEqual([]);
  });
});

describe('nextKioskView', () => {
  it('turns through one campaign’s wall and districts, and back', () => {
    expect(rotate({ campaign: 'ha-tinh', path: '/' }, [], 4)).toEqual([
      'ha-tinh /', 'ha-tinh /district/436', 'ha-tinh /district/437', 'ha-tinh /', 'ha-tinh /district/436',
    ]);
  });

  it('goes on to the next campaign after the last district, and from the last campaign to the first', () => {
    expect(rotate({ campaign: 'ha-tinh', path: '/' }, ['ha-tinh', 'hai-cap', 'thach-ha'], 6)).toEqual([
      'ha-tinh /', 'ha-tinh /district/436', 'ha-tinh /district/437', 'hai-cap /', 'thach-ha /', 'ha-tinh /', 'ha-tinh /district/436',
    ]);
  });

  it('follows the order asked, not the server’s', () => {
    expect(rotate({ campaign: 'thach-ha', path: '/' }, ['thach-ha', 'hai-cap'], 3)).toEqual(['thach-ha /', 'hai-cap /', 'thach-ha /', 'hai-cap /']);
  });

  it('goes to the first of the rotation from a campaign outside it (closed since)', () => {
    expect(nextKioskView({ campaign: 'cu', path: '/district/437' }, ['/', '/district/436', '/district/437'], ['hai-cap', 'thach-ha'])).toEqual({ campaign: 'hai-cap', path: '/' });
  });

  it('goes back to the wall from a view outside the rotation', () => {
    expect(nextKioskView({ campaign: 'ha-tinh', path: '/commune/18586' }, kioskViews(UNITS['42'], '42'), ['ha-tinh', 'hai-cap'])).toEqual({ campaign: 'ha-tinh', path: '/' });
  });
});
