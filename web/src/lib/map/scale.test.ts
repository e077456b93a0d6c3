import { describe, expect, it } from 'vitest';
import { rgb } from 'd3';
import { progressColor, scaleStops } from './scale';

const lightness = (color: string) => {
  const { r, g, b } = rgb(color);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

describe('progressColor', () => {
  it.each([
    ['no target', null],
    ['no value at all', undefined],
    ['a broken figure', Number.NaN],
  ])('has no colour for %s, so the map shows "no data"', (_case, progress) => {
    expect(progressColor(progress)).toBeNull();
  });

  it('gives 0% a colour of its own, distinct from no data and visible on the dark panel', () => {
    const zero = progressColor(0);
    expect(zero).toMatch(/^#[0-9a-f]{6}$/);
    expect(lightness(zero!)).toBeGreaterThan(lightness('#0b1220') + 20);
  });

  it.each([
    [0, 0.25],
    [0.25, 0.5],
    [0.5, 0.75],
    [0.75, 0.999],
  ])('gets lighter from %d to %d', (lower, higher) => {
    expect(lightness(progressColor(higher)!)).toBeGreaterThan(lightness(progressColor(lower)!));
  });

  it.each([
    [1, 1.093],
    [1, 4],
    [0, -0.2],
  ])('clamps: %d and %d share a colour', (a, b) => {
    expect(progressColor(b)).toBe(progressColor(a));
  });

  it('keeps complete units apart from almost complete ones only by the hatching, not a new hue', () => {
    expect(progressColor(1)).not.toBe(progressColor(0.5));
    expect(progressColor(0.999)).not.toBe(progressColor(0));
  });
});

describe('scaleStops', () => {
  it('runs from the colour of 0% to that of 100%', () => {
    const stops = scaleStops(5);
    expect(stops).toHaveLength(5);
    expect(stops[0]).toBe(progressColor(0));
    expect(stops[2]).toBe(progressColor(0.5));
    expect(stops[4]).toBe(progressColor(1));
  });
});
