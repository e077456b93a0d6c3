import { describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatDateTime, formatLongDate, formatProgress, formatRate, formatTime } from './format.js';

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

describe('dates and times (dd/mm/yyyy everywhere in Vietnamese)', () => {
  const TZ = 'Asia/Ho_Chi_Minh';
  const june27 = Date.parse('2023-06-27T07:05:09Z'); // 14:05:09 in Hà Tĩnh, a Tuesday

  it.each([
    ['2023-06-27', false, '27/06/2023'],
    ['2023-05-20', false, '20/05/2023'],
    ['2023-05-02', true, '02/05'],
  ])('%s is %s', (date, short, expected) => {
    expect(formatDate(date, 'vi-VN', short)).toBe(expected);
  });

  it('writes a time on a 24-hour clock in the campaign zone', () => {
    expect(formatTime(june27, TZ)).toBe('14:05:09');
    expect(formatTime(june27, TZ, 'vi-VN', false)).toBe('14:05');
    expect(formatTime(june27, TZ, 'en-US', false)).toBe('14:05');
  });

  it('writes the weekday with a two-digit day and month', () => {
    expect(formatLongDate(june27, TZ)).toBe('Thứ Ba, 27/06/2023');
    expect(formatLongDate(Date.parse('2023-06-26T18:00:00Z'), TZ)).toBe('Thứ Ba, 27/06/2023'); // already the 27th there
    expect(formatLongDate(june27, TZ, 'en-US')).toBe('Tuesday, Jun 27, 2023');
    expect(formatDateTime(june27, TZ)).toBe('27/06/2023 14:05');
  });

  it('speaks English on request', () => {
    expect(formatDate('2023-05-10', 'en-US')).toBe('May 10, 2023');
    expect(formatDate('2023-05-10', 'en-US', true)).toBe('May 10');
  });
});
