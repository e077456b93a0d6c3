import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { schematicMap, type UnitInfo } from '@tiendo/shared';
import ChoroplethMap from './ChoroplethMap.svg.svelte';
import { progressColor, type UnitProgress } from './scale';

// A district of four communes and another of three, in lon/lat like a real boundary file.
const unit = (code: string, level: UnitInfo['level'], parent: string | null, name = code): UnitInfo =>
  ({ code, name, fullName: `Xã ${name}`, type: 'xa', level, parent });
const units: UnitInfo[] = [
  unit('P', 'province', null),
  unit('D1', 'district', 'P', 'Một'),
  unit('D2', 'district', 'P', 'Hai'),
  ...['C1', 'C2', 'C3', 'C4'].map((c) => unit(c, 'commune', 'D1')),
  ...['C5', 'C6', 'C7'].map((c) => unit(c, 'commune', 'D2')),
];
const topology = schematicMap(units, 'P');

const progress = (entries: [string, number | null, boolean?][]) =>
  new Map<string, UnitProgress>(entries.map(([code, p, complete]) => [code, { progress: p, complete: complete ?? false }]));

const fillOf = (container: HTMLElement, code: string) =>
  container.querySelector(`.units path[data-code="${code}"]`)?.getAttribute('fill');

describe('ChoroplethMap', () => {
  afterEach(cleanup);

  it('draws one path per unit of the object, coloured by progress, no data as a pattern', () => {
    const { container } = render(ChoroplethMap, {
      topology, object: 'communes', values: progress([['C1', 0], ['C2', 0.5], ['C3', null]]),
    });
    expect(container.querySelectorAll('.units path')).toHaveLength(7);
    expect(fillOf(container, 'C1')).toBe(progressColor(0));
    expect(fillOf(container, 'C2')).toBe(progressColor(0.5));
    expect(fillOf(container, 'C3')).toMatch(/^url\(#.+no-data\)$/);
    expect(fillOf(container, 'C4')).toBe(fillOf(container, 'C3'));
  });

  it('changes only the fill of the unit whose value changed', async () => {
    const before = progress([['C1', 0.1], ['C2', 0.2], ['C3', 0.3], ['C4', 0.4], ['C5', 0.5], ['C6', 0.6], ['C7', 0.7]]);
    const { container, rerender } = render(ChoroplethMap, { topology, object: 'communes', values: before });
    const changes: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const r of records) changes.push(`${(r.target as Element).getAttribute('data-code')} ${r.attributeName}`);
    });
    observer.observe(container.querySelector('.units')!, { attributes: true, subtree: true });

    const after = new Map(before);
    after.set('C6', { progress: 0.9, complete: false });
    await rerender({ values: after });
    await vi.waitFor(() => expect(changes.length).toBeGreaterThan(0));
    observer.disconnect();

    expect(changes).toEqual(['C6 fill']);
    expect(fillOf(container, 'C6')).toBe(progressColor(0.9));
  });

  it('hatches completed units on top of their colour, and hatches a unit as soon as it completes', async () => {
    const before = progress([['C1', 1, true], ['C2', 0.99], ['C3', 1.09, true]]);
    const { container, rerender } = render(ChoroplethMap, { topology, object: 'communes', values: before });
    const hatched = () => [...container.querySelectorAll('.complete path')].map((p) => p.getAttribute('data-code'));
    expect(hatched()).toEqual(['C1', 'C3']);
    expect(container.querySelector('.complete path')!.getAttribute('fill')).toMatch(/^url\(#.+complete\)$/);
    expect(fillOf(container, 'C3')).toBe(progressColor(1));

    await rerender({ values: new Map(before).set('C2', { progress: 1, complete: true }) });
    await vi.waitFor(() => expect(hatched()).toEqual(['C1', 'C2', 'C3']));
  });

  it('selects a unit on click and on Enter', async () => {
    const onselect = vi.fn();
    const { container } = render(ChoroplethMap, { topology, object: 'districts', values: progress([]), onselect });
    const d2 = container.querySelector<SVGPathElement>('.units path[data-code="D2"]')!;
    await fireEvent.click(d2);
    await fireEvent.keyDown(container.querySelector('.units path[data-code="D1"]')!, { key: 'Enter' });
    expect(onselect.mock.calls).toEqual([['D2'], ['D1']]);
    expect(d2.getAttribute('role')).toBe('button');
    expect(d2.getAttribute('aria-label')).toBe('Xã Hai');
  });

  it('on a touch screen, shows the details on the first tap and selects on the second', async () => {
    const onselect = vi.fn();
    const { container, getByRole } = render(ChoroplethMap, {
      topology, object: 'districts', values: progress([['D1', 0.5]]), onselect,
    });
    const d1 = container.querySelector<SVGPathElement>('.units path[data-code="D1"]')!;
    await fireEvent.pointerDown(d1, { pointerType: 'touch' });
    await fireEvent.click(d1);
    expect(onselect).not.toHaveBeenCalled();
    expect(getByRole('status').textContent).toContain('Xã Một');
    expect(getByRole('status').textContent).toContain('50%');
    await fireEvent.pointerDown(d1, { pointerType: 'touch' });
    await fireEvent.click(d1);
    expect(onselect).toHaveBeenCalledWith('D1');
  });

  it.each([
    ['vi-VN', 'Xã Một', '12,5%', 'Chưa có số liệu'],
    ['en-US', 'Xã Một', '12.5%', 'No data'],
  ] as const)('shows a hovered unit\'s name and progress (%s)', async (locale, name, value, noData) => {
    const { container, getByRole, queryByRole } = render(ChoroplethMap, {
      topology, object: 'districts', values: progress([['D1', 0.125]]), locale,
    });
    await fireEvent.pointerOver(container.querySelector('.units path[data-code="D1"]')!, { pointerType: 'mouse' });
    expect(getByRole('status').textContent).toContain(name);
    expect(getByRole('status').textContent).toContain(value);
    await fireEvent.pointerOver(container.querySelector('.units path[data-code="D2"]')!, { pointerType: 'mouse' });
    expect(getByRole('status').textContent).toContain(noData);
    await fireEvent.pointerOut(container.querySelector('.units path[data-code="D2"]')!, { pointerType: 'mouse' });
    expect(queryByRole('status')).toBeNull();
  });

  it.each([
    ['vi-VN', 'Sơ đồ minh họa', 'Hoàn thành'],
    ['en-US', 'Schematic', 'Complete'],
  ] as const)('says when it is a schematic and explains its marks (%s)', (locale, note, complete) => {
    const schematic = render(ChoroplethMap, { topology, object: 'districts', values: progress([]), schematic: true, locale });
    expect(schematic.container.querySelector('.legend')!.textContent).toContain(note);
    expect(schematic.container.querySelector('.legend')!.textContent).toContain(complete);
    const real = render(ChoroplethMap, { topology, object: 'districts', values: progress([]), locale });
    expect(real.container.querySelector('.legend')!.textContent).not.toContain(note);
  });

  it('draws the borders of the coarser level over communes, and labels both levels', () => {
    const labels = new Map([['D1', 'Một'], ['D2', 'Hai'], ['C1', 'Xã một']]);
    const communes = render(ChoroplethMap, { topology, object: 'communes', values: progress([]), labels });
    expect(communes.container.querySelector('path.outline')!.getAttribute('d')).toMatch(/^M/);
    expect([...communes.container.querySelectorAll('.labels text')].map((t) => t.textContent)).toEqual(['Một', 'Hai', 'Xã một']);

    const districts = render(ChoroplethMap, { topology, object: 'districts', values: progress([]), labels });
    expect(districts.container.querySelector('path.outline')).toBeNull();
    expect([...districts.container.querySelectorAll('.labels text')].map((t) => t.textContent)).toEqual(['Một', 'Hai']);
  });

  it('outlines the selected unit', () => {
    const { container } = render(ChoroplethMap, { topology, object: 'districts', values: progress([]), selected: 'D2' });
    const outline = container.querySelector('path.selected')!.getAttribute('d');
    expect(outline).toBe(container.querySelector('.units path[data-code="D2"]')!.getAttribute('d'));
  });

  it('on a map of real shapes, captions the tiles of units without a boundary, and says nothing of a schematic', () => {
    // C7 has no boundary: its tile stands apart, marked as schematic as the server marks it.
    const mixed = JSON.parse(JSON.stringify(topology)) as typeof topology;
    for (const g of mixed.objects.communes.geometries) if (g.id === 'C7') (g.properties as { schematic?: boolean }).schematic = true;
    const { container } = render(ChoroplethMap, { topology: mixed, object: 'communes', values: progress([]), schematic: true });
    expect(container.querySelector('[data-testid=map-strip] text')!.textContent).toBe('Chưa có ranh giới');
    expect(container.querySelector('.legend')!.textContent).not.toContain('Sơ đồ minh họa');
    const all = render(ChoroplethMap, { topology, object: 'communes', values: progress([]), schematic: true });
    expect(all.container.querySelector('[data-testid=map-strip]')).toBeNull();
  });

  it('draws no label below 16 px at 1080p, scaled with the screen: the root size there is 19.2 px', () => {
    // Names far wider than their tiles would have to shrink to a few pixels to fit inside.
    const labels = new Map(units.filter((u) => u.level === 'commune').map((u) => [u.code, `Xã ${u.code} ${'có một cái tên rất dài '.repeat(2)}`]));
    const { container } = render(ChoroplethMap, { topology, object: 'communes', values: progress([]), labels });
    const sizes = [...container.querySelectorAll('.labels text')].map((t) => Number(t.getAttribute('font-size')));
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual((rem * 16) / 19.2 - 1e-9);
    // They go beside their units, each with a leader line to it.
    expect(container.querySelectorAll('.labels .leader').length).toBe(sizes.length);
  });
});
