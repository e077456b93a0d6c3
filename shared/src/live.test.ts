import { describe, expect, it } from 'vitest';
import { classifyChange, mergeValues, packValues, readBody, unpackValues } from './live.js';
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

describe('packValues', () => {
  it('carries every figure of every unit and metric, and unpacks to the same values', () => {
    const values: UnitValues[] = [
      { code: '42', metrics: { a: { value: 10, target: 20, today: 1, last7: 5, completedAt: null }, b: { value: 3, target: 3, today: 0, last7: 0, completedAt: 1_700_000_000_000 } } },
      { code: '436', metrics: { a: { value: 0, target: 0, today: 0, last7: 0, completedAt: null }, b: { value: 7, target: 9, today: 2, last7: 4, completedAt: null } } },
    ];
    const packed = packValues(values);
    expect(packed).toEqual({ codes: ['42', '436'], metrics: { a: [10, 20, 1, 5, null, 0, 0, 0, 0, null], b: [3, 3, 0, 0, 1_700_000_000_000, 7, 9, 2, 4, null] } });
    expect(unpackValues(JSON.parse(JSON.stringify(packed)))).toEqual(values);
    expect(unpackValues(packValues([]))).toEqual([]);
  });
});

describe('readBody', () => {
  it('reads a body as it came, or gzipped', async () => {
    const body = { values: { codes: ['42'], metrics: { a: [1, 2, 3, 4, null] } } };
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    expect(await readBody({ body: bytes, encoding: 'identity' })).toEqual(body);
    const gzipped = await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
    expect(await readBody({ body: gzipped, encoding: 'gzip' })).toEqual(body);
  });
});
