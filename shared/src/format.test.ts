import { describe, expect, it } from 'vitest';
import { formatCount, formatDay, formatProgress, formatRate, roundedProgress } from './format.js';

describe('formatProgress (honest rounding, vi-VN)', () => {
  it.each([
    [0, 100, '0%'],
    [1, 1_130_342, '<0,1%'],
    [1_130_341, 1_130_342, '>99,9%'],
    [1_130_342, 1_130_342, '100%'],
    [938_863, 859_268, '109,3%'],
    [870_888, 859_268, '101,4%'],
    [1, 3, '33,3%'],
    [999, 1000, '99,9%'],
    [9995, 10000, '>99,9%'],
    [5, 0, '—'],
  ])('%d of %d is %s', (value, target, expected) => {
    expect(formatProgress(value, target)).toBe(expected);
  });

  it('speaks English on request', () => {
    expect(formatProgress(938_863, 859_268, 'en-US')).toBe('109.3%');
  });
});

describe('formatCount and formatRate', () => {
  it('groups thousands with dots', () => {
    expect(formatCount(1_130_342)).toBe('1.130.342');
    expect(formatCount(0)).toBe('0');
    expect(formatRate(812.45)).toBe('812,5');
    expect(formatCount(1_130_342, 'en-US')).toBe('1,130,342');
  });
});

describe('roundedProgress (a spreadsheet number that reads like formatProgress)', () => {
  it.each([
    [0, 100, 0],
    [1, 100_000, 0.001],
    [999_999, 1_000_000, 0.999],
    [1_000_000, 1_000_000, 1],
    [938_863, 859_268, 1.093],
    [437, 1000, 0.437],
  ])('%d of %d is %d', (value, target, expected) => {
    expect(roundedProgress(value, target)).toBe(expected);
  });

  it('is null without a target', () => {
    expect(roundedProgress(5, 0)).toBeNull();
  });
});

describe('formatDay', () => {
  it('writes day/month/year', () => {
    expect(formatDay('2023-05-10')).toBe('10/05/2023');
  });
});
