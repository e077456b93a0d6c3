import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { hcl, rgb } from 'd3';
import Legend from './Legend.svelte';
import { PLAN_CLASSES, PROGRESS_CLASSES, planScale, progressColor } from './scale';

const lightness = (color: string) => hcl(color).l;
const PANEL = '#0b1220';

describe('progressColor', () => {
  it.each([
    ['no target', null],
    ['no value at all', undefined],
    ['a broken figure', Number.NaN],
  ])('has no colour for %s, so the map shows "no data"', (_case, progress) => {
    expect(progressColor(progress)).toBeNull();
  });

  it.each([
    [-0.2, 0], [0, 0], [0.4999, 0],
    [0.5, 1], [0.6999, 1],
    [0.7, 2], [0.7999, 2],
    [0.8, 3], [0.87, 3],
    [0.9, 4], [0.9499, 4],
    [0.95, 5], [0.96, 5], [0.9999, 5],
    [1, 6], [1.093, 6], [4, 6],
  ])('puts %d in class %d', (progress, index) => {
    expect(progressColor(progress)).toBe(PROGRESS_CLASSES[index].color);
  });

  it('tells 87% from 96%, the spread of a campaign in its last weeks', () => {
    expect(progressColor(0.87)).not.toBe(progressColor(0.96));
    expect(Math.abs(lightness(progressColor(0.96)!) - lightness(progressColor(0.87)!))).toBeGreaterThan(15);
  });

  it('makes each class lighter than the one below by a step that reads without colour vision', () => {
    for (let i = 1; i < PROGRESS_CLASSES.length; i++) {
      expect(lightness(PROGRESS_CLASSES[i].color) - lightness(PROGRESS_CLASSES[i - 1].color)).toBeGreaterThan(6);
    }
  });

  it('keeps 0% visible on the dark panel', () => {
    expect(progressColor(0)).toMatch(/^(#[0-9a-f]{6}|rgb\(.+\))$/);
    expect(lightness(progressColor(0)!)).toBeGreaterThan(lightness(PANEL) + 15);
  });
});

describe('Legend', () => {
  afterEach(cleanup);

  it('shows every class below 100% with the bounds between them, and completion in the top colour', () => {
    const { container } = render(Legend, { hatchId: 'h', noDataId: 'n' });
    const blocks = [...container.querySelectorAll<HTMLElement>('.blocks span')].map((b) => rgb(b.style.background).formatHex());
    expect(blocks).toEqual(PROGRESS_CLASSES.slice(0, -1).map((c) => rgb(c.color).formatHex()));
    expect([...container.querySelectorAll('.bounds span')].map((b) => b.textContent)).toEqual(['0', '50', '70', '80', '90', '95', '100%']);
    expect(container.querySelector('.key rect')!.getAttribute('fill')).toBe(progressColor(1));
  });
});

describe('planScale', () => {
  const unit = (progress: number | null, complete = false) => ({ progress, complete });

  it('sorts units at about the same progress by how they stand against the plan', () => {
    // The plan expects 92% today: 89% is behind, 92% on plan, 95% ahead, 75% far behind.
    const scale = planScale(0.92);
    expect([0.75, 0.89, 0.92, 0.95].map((p) => scale.color(unit(p)))).toEqual(PLAN_CLASSES.map((c) => c.color));
    // The fixed classes put 0.9 to 0.95 in one colour.
    expect(new Set([0.9, 0.92, 0.949].map(progressColor)).size).toBe(1);
  });

  it('gives completed units the done colour and units without data none', () => {
    const scale = planScale(0.5);
    expect(scale.color(unit(1.02, true))).toBe(scale.done);
    expect(scale.color(unit(null))).toBeNull();
    expect(scale.color(undefined)).toBeNull();
  });

  it('counts nobody behind before the plan expects anything', () => {
    expect(planScale(0).color(unit(0))).toBe(PLAN_CLASSES[2].color);
  });

  it('keeps its classes apart in lightness, for colour-blind eyes and grey-scale prints', () => {
    const light = PLAN_CLASSES.map((c) => lightness(c.color));
    expect(light[0]).toBeLessThan(light[1]);
    expect(light[1]).toBeLessThan(light[2]);
    expect(light[3]).toBeLessThan(light[2]);
    expect(lightness(PLAN_CLASSES[3].color) - lightness(planScale(1).done)).toBeGreaterThan(15);
  });
});
