import { campaignCreateSchema } from '@tiendo/shared/admin-schemas';
import { describe, expect, it } from 'vitest';
import { changes, groupEntries } from './audit/changes';
import { createRequest, keyFrom, newDraft, removeMetric, renameMetric, type CampaignDraft } from './campaigns/draft';
import { check, splitProblems } from './fields';
import { parseCount } from './format';
import { safeNext } from './viewer.svelte';

describe('splitProblems', () => {
  it('puts each field message beside its field, in Vietnamese when the phrasing is known', () => {
    const p = splitProblems('metrics[1].key: "cccd" is used twice; milestones[0].date: must be a date YYYY-MM-DD; name: must not be empty', 'vi-VN');
    expect(p.fields).toEqual({
      'metrics[1].key': 'mã “cccd” bị trùng',
      'milestones[0].date': 'phải là một ngày hợp lệ',
      name: 'không được để trống',
    });
    expect(p.general).toEqual([]);
  });

  it('keeps what names no field, and the body, as a general problem', () => {
    const p = splitProblems('body: malformed JSON (Unexpected token); campaign "x" already exists', 'en-US');
    expect(p.fields).toEqual({});
    expect(p.general).toEqual(['malformed JSON (Unexpected token)', 'campaign "x" already exists']);
  });

  it('leaves a field the form does not show among the general problems', () => {
    const p = splitProblems('plausibility.floor: must be an integer', 'vi-VN', (path) => !path.startsWith('plausibility'));
    expect(p.general).toEqual(['plausibility.floor: phải là số nguyên']);
  });

  it('reads the schema check in the server’s own words', () => {
    const draft = newDraft('42');
    draft.metrics[0].name = 'CCCD';
    draft.metrics[0].key = 'CCCD';
    const result = check(campaignCreateSchema, createRequest(draft), 'vi-VN');
    expect(result.data).toBeNull();
    expect(result.problems?.fields['metrics[0].key']).toMatch(/chữ thường/);
    expect(result.problems?.fields.id).toBeDefined();
    expect(result.problems?.fields.startDate).toBe('phải là một ngày hợp lệ');
  });
});

describe('campaign drafts', () => {
  it('makes keys from Vietnamese names', () => {
    expect(keyFrom('ĐDĐT mức 2 · kích hoạt')).toBe('dddt_muc_2_kich_hoat');
    expect(keyFrom('Chiến dịch Hà Tĩnh 2023', '-')).toBe('chien-dich-ha-tinh-2023');
    expect(keyFrom('2023 CCCD')).toBe('cccd');
  });

  it('carries a renamed or removed metric through the milestones and the activation pairs', () => {
    const draft: CampaignDraft = {
      ...newDraft('42'),
      metrics: [
        { key: 'intake', name: 'Thu nhận', shortName: '', startDate: '', activationOf: '', stored: null },
        { key: 'activation', name: 'Kích hoạt', shortName: '', startDate: '', activationOf: 'intake', stored: null },
      ],
      milestones: [{ name: 'Mốc', date: '2023-06-30', metrics: ['intake', 'activation'], document: '' }],
    };
    renameMetric(draft, 'intake', 'eid_intake');
    expect(draft.metrics[1].activationOf).toBe('eid_intake');
    expect(draft.milestones[0].metrics).toEqual(['eid_intake', 'activation']);
    draft.metrics[0].key = 'eid_intake';
    removeMetric(draft, 0);
    expect(draft.metrics[0].activationOf).toBe('');
    expect(draft.milestones[0].metrics).toEqual(['activation']);
  });

  it('sends empty optional fields as absent and keeps a stored plausibility rule', () => {
    const draft = newDraft('42');
    const plausibility = { shareOfTarget: 0.25, timesBestDay: 20, minDays: 7, floor: 500 };
    draft.metrics[0] = { key: 'cccd', name: 'CCCD', shortName: ' ', startDate: '', activationOf: '', stored: { key: 'cccd', name: 'CCCD', plausibility } };
    draft.milestones = [{ name: 'Mốc', date: '2023-05-20', metrics: ['cccd'], document: '' }];
    const request = createRequest(draft);
    expect(request.metrics[0]).toEqual({ plausibility, key: 'cccd', name: 'CCCD', shortName: undefined, startDate: undefined, activationOf: undefined });
    expect(request.milestones[0].document).toBeUndefined();
  });
});

describe('typed numbers and addresses', () => {
  it('reads a count however it was grouped', () => {
    expect(parseCount('1.130.342')).toBe(1130342);
    expect(parseCount('1 130 342')).toBe(1130342);
    expect(parseCount('6361')).toBe(6361);
    expect(parseCount('12a')).toBeNull();
    expect(parseCount('')).toBeNull();
  });

  it('never sends anyone off the site after sign-in', () => {
    expect(safeNext('/admin/people?x=1')).toBe('/admin/people?x=1');
    expect(safeNext('//evil.example/')).toBe('/admin');
    expect(safeNext('/\\evil.example')).toBe('/admin');
    expect(safeNext('https://evil.example/')).toBe('/admin');
    expect(safeNext(null)).toBe('/admin');
  });
});

describe('audit changes', () => {
  it('lists the fields that differ, numbers formatted', () => {
    expect(changes({ target: 6361, reason: 'a' }, { target: 6500, reason: 'a' }, 'vi-VN')).toEqual([{ field: 'target', before: '6.361', after: '6.500' }]);
    expect(changes(null, { name: 'Xã' }, 'vi-VN')).toEqual([{ field: 'name', before: null, after: 'Xã' }]);
    expect(changes(null, null, 'vi-VN')).toEqual([]);
  });

  it('shows dates as dates, and lists of metrics or milestones by their names', () => {
    expect(changes(null, {
      startDate: '2026-03-01',
      metrics: [{ key: 'cccd', name: 'Thu nhận CCCD' }, { key: 'vneid', name: 'Kích hoạt VNeID' }],
      milestones: [{ name: 'Cam kết', date: '2026-05-20', metrics: ['cccd'] }],
      tags: ['a', 'b'],
      plausibility: { floor: 500 },
    }, 'vi-VN')).toEqual([
      { field: 'startDate', before: null, after: '01/03/2026' },
      { field: 'metrics', before: null, after: 'Thu nhận CCCD, Kích hoạt VNeID' },
      { field: 'milestones', before: null, after: 'Cam kết (20/05/2026)' },
      { field: 'tags', before: null, after: 'a, b' },
      { field: 'plausibility', before: null, after: '{"floor":500}' },
    ]);
  });
});

describe('audit groups', () => {
  const entry = (id: number, at: string, action: string, reason: string | null) => ({ id, at, action, actor: { name: 'Quản trị' }, campaign: 'c', reason });
  it('joins one change of many units into one line, and nothing else', () => {
    const groups = groupEntries([
      entry(5, '2024-01-01T10:00:01Z', 'target.import', 'Kế hoạch'),
      entry(4, '2024-01-01T10:00:01Z', 'target.import', 'Kế hoạch'),
      entry(3, '2024-01-01T10:00:01Z', 'target.set', 'Kế hoạch'),
      entry(2, '2024-01-01T10:00:00Z', 'target.set', 'Kế hoạch'),
      entry(1, '2024-01-01T10:00:00Z', 'target.set', 'Khác'),
    ]);
    expect(groups.map((g) => g.entries.map((e) => e.id))).toEqual([[5, 4], [3], [2], [1]]);
  });
});
