import { describe, expect, it } from 'vitest';
import { classifyChange, mergeValues } from './live.js';
import type { UnitValues } from './protocol.js';

describe('classifyChange', () => {
  it.each([
    [10, 10, 12, 'applied'],
    [11, 10, 12, 'applied'], // snapshot taken between two flushes
    [12, 10, 12, 'applied'], // the day turned: same seq, fresh values
    [15, 10, 12, 'stale'],
    [9, 10, 12, 'gap'],
  ] as const)('client at %d, message (%d, %d] is %s', (seq, prevSeq, msgSeq, outcome) => {
    expect(classifyChange(seq, { seq: msgSeq, prevSeq })).toBe(outcome);
  });
});

describe('mergeValues', () => {
  it('is idempotent and keeps metrics a message does not carry', () => {
    const m = (value: number) => ({ value, target: 10, today: 0, last7: 0, completedAt: null });
    const state = new Map<string, UnitValues>([['1', { code: '1', metrics: { a: m(1), b: m(2) } }]]);
    const message = [{ code: '1', metrics: { a: m(5) } }];
    mergeValues(state, message);
    mergeValues(state, message);
    expect(state.get('1')!.metrics).toEqual({ a: m(5), b: m(2) });
  });
});
