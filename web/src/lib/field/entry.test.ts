import { describe, expect, it } from 'vitest';
import type { HeldRecord } from '@tiendo/shared';
import { decided, limitWhy, newRecordId, outcomeOf, projectedValue, requestOf, type FieldRecord } from './entry';

const record = (over: Partial<FieldRecord> = {}): FieldRecord => ({
  id: 'officer-4-ab', owner: 4, kind: 'count', campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18586', unitName: 'Xã Thạch Kênh',
  amount: 12, at: '2023-04-24T09:41:00.000Z', state: 'waiting', createdAt: 1, attempts: 0, ...over,
});

describe('a field record', () => {
  it('has an id of its sender, unguessable and made once', () => {
    const a = newRecordId('officer', 4);
    expect(a).toMatch(/^officer-4-[0-9a-f]{32}$/);
    expect(newRecordId('officer', 4)).not.toBe(a);
  });

  it('is sent as an event, or as a cumulative report, with only the fields it has', () => {
    expect(requestOf(record({ source: 'Tổ lưu động số 2' }))).toEqual({
      path: '/api/v1/events',
      body: { events: [{ id: 'officer-4-ab', campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18586', source: 'Tổ lưu động số 2', delta: 12, occurredAt: '2023-04-24T09:41:00.000Z' }] },
    });
    expect(requestOf(record({ kind: 'total', amount: 4512, reason: 'Sai số', confirmed: true }))).toEqual({
      path: '/api/v1/reports',
      body: { reports: [{ id: 'officer-4-ab', campaign: 'ha-tinh', metric: 'cccd_intake', unit: '18586', reason: 'Sai số', confirmed: true, total: 4512, asOf: '2023-04-24T09:41:00.000Z' }] },
    });
  });
});

describe('what an answer means', () => {
  it.each([
    [200, { accepted: 1, duplicates: 0 }, { state: 'recorded', duplicate: false }],
    [200, { accepted: 0, duplicates: 1 }, { state: 'recorded', duplicate: true }],
    [401, { message: 'session: signed out' }, { state: 'waiting', signedOut: true }],
    [429, { message: 'busy' }, { state: 'waiting', signedOut: false }],
    [503, null, { state: 'waiting', signedOut: false }],
  ])('%i is %o', (status, body, outcome) => {
    expect(outcomeOf(status, body)).toEqual(outcome);
  });

  it('holds an implausible amount for confirmation, naming the limit', () => {
    const message = 'events[0].delta: +5000 for cccd_intake of unit 18586 is implausible: more than 25% of its target 4179 (at most 1045 at once); check it, and if it is right send it again with "confirmed": true';
    expect(outcomeOf(422, { message })).toEqual({ state: 'confirm', message: expect.stringMatching(/^Số lượng lớn bất thường \(quá 1\.045 một lần\)/) });
  });

  it('shows an officer\'s implausible amount as held for a chief, with the limit in words, and a rejection with its reason', () => {
    const message = 'events[0].delta: +5000 for cccd_intake of unit 18586 is implausible: more than 25% of its target 4179 (at most 1045 at once); held, not counted, until a chief confirms or rejects it';
    expect(outcomeOf(202, { accepted: 0, duplicates: 0, held: [{ path: 'events[0]', id: 'x', status: 'held', limit: 1045, message }] })).toEqual({
      state: 'held', message: 'Số lượng lớn bất thường (quá 1.045 một lần: hơn 25% chỉ tiêu 4.179). Chưa được tính: chờ chỉ huy xác nhận.',
    });
    expect(outcomeOf(202, { held: [{ path: 'events[0]', id: 'x', status: 'rejected', limit: 1045, message: 'rejected', reason: 'Nhập thừa một số 0' }] }))
      .toEqual({ state: 'refused', message: 'Chỉ huy đã từ chối: Nhập thừa một số 0' });
    expect(limitWhy('more than 20 times its best day (300)')).toBe('gấp hơn 20 lần ngày cao nhất (300)');
    expect(limitWhy('something else')).toBeNull();
  });

  it('turns a chief\'s decision into the record\'s state', () => {
    const held = (over: Partial<HeldRecord>) => ({ status: 'held', decision: null, ...over }) as HeldRecord;
    expect(decided(held({}))).toBeNull();
    expect(decided(held({ status: 'confirmed', decision: { by: 'Trưởng Công an huyện Thạch Hà', at: '', reason: null } })))
      .toEqual({ state: 'recorded', message: 'Đã được Trưởng Công an huyện Thạch Hà xác nhận.' });
    expect(decided(held({ status: 'rejected', decision: { by: 'Trưởng Công an huyện Thạch Hà', at: '', reason: 'Nhập thừa một số 0' } })))
      .toEqual({ state: 'refused', message: 'Trưởng Công an huyện Thạch Hà đã từ chối: Nhập thừa một số 0' });
  });

  it('refuses in the officer\'s words: an id reused, a correction below zero, the server\'s own text otherwise', () => {
    expect(outcomeOf(409, { message: 'events[0].id: "x" is already the id of a record' })).toMatchObject({ state: 'refused', message: expect.stringMatching(/đã được dùng cho một số liệu khác/) });
    expect(outcomeOf(422, { message: 'events[0].delta: correction would leave cccd_intake of unit 18586 at -3, below zero' })).toMatchObject({ message: 'Điều chỉnh làm số liệu nhỏ hơn 0: không được tính.' });
    expect(outcomeOf(400, { message: 'events[0].source: must be at most 100 characters' })).toEqual({ state: 'refused', message: 'Bị từ chối: events[0].source: must be at most 100 characters' });
  });
});

describe('the value once the waiting records are counted', () => {
  it('adds counts and lets a total so far replace what came before it, in time order', () => {
    const at = (m: number) => `2023-04-24T09:${String(m).padStart(2, '0')}:00.000Z`;
    expect(projectedValue(100, [])).toBe(100);
    expect(projectedValue(100, [record({ amount: 12, at: at(1) }), record({ amount: -2, at: at(2) })])).toBe(110);
    expect(projectedValue(100, [
      record({ kind: 'count', amount: 5, at: at(30), createdAt: 3 }),
      record({ kind: 'total', amount: 150, at: at(20), createdAt: 2 }),
      record({ kind: 'count', amount: 7, at: at(10), createdAt: 1 }),
    ])).toBe(155);
    expect(projectedValue(100, [record({ kind: 'total', amount: 130, at: at(5), createdAt: 2 }), record({ amount: 8, at: at(5), createdAt: 1 })])).toBe(130);
  });
});
