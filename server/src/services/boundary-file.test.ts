import { HttpException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { subtree } from '../catalog/catalog.js';
import { readBoundaryFile, type Polygon } from './boundary-file.js';
import { feature as topologyFeature } from 'topojson-client';
import { composeMap, featureTopology, MapVersion, storedTopology, unitTopology } from './boundary-topology.js';
import { UnitTree } from './map-matching.js';

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const square = (x: number, y: number, size: number, clockwise = false): [number, number][] => {
  const ring: [number, number][] = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
  return clockwise ? ring.reverse() : ring;
};
const area = (ring: [number, number][]) => ring.slice(0, -1).reduce((s, [x0, y0], i) => s + x0 * ring[i + 1][1] - ring[i + 1][0] * y0, 0);
const feature = (properties: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({ type: 'Feature', properties, geometry: { type, coordinates } });

async function refusal(file: unknown): Promise<string> {
  try {
    await readBoundaryFile(bytes(file), 'x.geojson');
  } catch (error) {
    return `${(error as HttpException).getStatus()} ${(error as HttpException).message}`;
  }
  return 'accepted';
}

describe('reading boundary files', () => {
  it('closes rings, drops repeated points, and orients them as d3 draws: outer clockwise, holes not', async () => {
    const outer = square(105, 18, 1).slice(0, -1); // not closed
    outer.splice(1, 0, outer[0]); // a repeated point
    const hole = square(105.2, 18.2, 0.2, true); // a hole running clockwise
    const [layer] = await readBoundaryFile(bytes({ type: 'FeatureCollection', features: [feature({ ten: 'A' }, [hole, outer])] }), 'ranh-gioi.geojson');
    expect(layer.name).toBe('ranh-gioi');
    const [polygon] = layer.features[0].polygons;
    expect(polygon[0]).toHaveLength(5);
    expect(polygon[0][0]).toEqual(polygon[0][4]);
    expect(area(polygon[0])).toBeLessThan(0); // the larger ring became the outer one, clockwise
    expect(area(polygon[1])).toBeGreaterThan(0);
  });

  it('offers a feature id as a property, and reads every TopoJSON object as a layer', async () => {
    const topology = {
      type: 'Topology',
      arcs: [square(105, 18, 1), square(106, 18, 1)],
      objects: {
        huyen: { type: 'GeometryCollection', geometries: [{ type: 'Polygon', id: '443', arcs: [[0]] }] },
        xa: { type: 'GeometryCollection', geometries: [{ type: 'Polygon', properties: { ten: 'B' }, arcs: [[1]] }] },
      },
    };
    const layers = await readBoundaryFile(bytes(topology), 'x.topojson');
    expect(layers.map((l) => [l.name, l.features[0].properties])).toEqual([['huyen', { id: '443' }], ['xa', { ten: 'B' }]]);
  });

  it.each([
    [{ type: 'FeatureCollection', features: [feature({}, [[[105, 18], [105, 18], [105, 18]]])] }, /^422 features\[0\]: no ring with three distinct points$/],
    [{ type: 'FeatureCollection', features: [feature({}, [[[105, 18], [105, 'x'], [106, 19], [105, 18]]])] }, /^422 features\[0\]\.geometry\.coordinates: \[105,"x"\] is not a \[longitude, latitude\] pair of numbers$/],
    [{ type: 'FeatureCollection', features: [feature({}, [square(18, 105, 1)])] }, /are out of range .*; are latitude and longitude swapped\?$/],
    [{ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: null }] }, /^422 features\[0\]: has no geometry$/],
    [{ type: 'FeatureCollection', features: 'none' }, /^422 features: must be an array$/],
    [{ type: 'Topology', objects: {} }, /^422 file: a TopoJSON Topology needs "objects" and "arcs"$/],
    [[1, 2], /^422 file: a GeoJSON FeatureCollection or a TopoJSON Topology was expected, not an object without a type$/],
  ])('refuses %j', async (file, message) => {
    expect(await refusal(file)).toMatch(message);
  });
});

describe('composing maps', () => {
  const units = subtree('42')!;
  const tree = new UnitTree(units);
  const communes = units.filter((u) => u.level === 'commune');
  // Each commune a small square on a grid, all but the first three.
  const grid = communes.map((unit, i) => ({ unit, polygons: [[square(105 + (i % 15) * 0.05, 18 + Math.floor(i / 15) * 0.05, 0.05)]] as Polygon[] }));

  it('keeps one geometry per unit, and gives missing units their schematic tile, marked and drawn last', () => {
    const stored = storedTopology('commune', grid.slice(3));
    const version = new MapVersion(7, 'commune', JSON.parse(JSON.stringify(stored.topology)));
    expect(version.byCode.size).toBe(communes.length - 3);
    const map = composeMap(tree.subtree('42'), 'commune', { district: null, commune: version });
    expect(map.source).toBe('mixed');
    expect(map.versions.map((v) => v.version)).toEqual([7]);
    const geometries = (map.topology.objects.communes as { geometries: { id: string; properties: { schematic?: boolean } }[] }).geometries;
    expect(geometries.slice(-3).map((g) => [g.id, g.properties.schematic])).toEqual(communes.slice(0, 3).map((c) => [c.code, true]));
    expect((map.topology.objects.districts as { geometries: unknown[] }).geometries).toHaveLength(13);
  });

  it('places the tiles of missing units in a strip under the real shapes, overlapping none of them', () => {
    const stored = storedTopology('commune', grid.slice(3));
    const version = new MapVersion(7, 'commune', JSON.parse(JSON.stringify(stored.topology)));
    const map = composeMap(tree.subtree('42'), 'commune', { district: null, commune: version });
    const box = (g: unknown) => {
      const { geometry } = topologyFeature(map.topology as never, g as never) as unknown as { geometry: { coordinates: unknown[] } };
      const latitudes = (geometry.coordinates.flat(Infinity) as number[]).filter((_, i) => i % 2 === 1);
      return { south: Math.min(...latitudes), north: Math.max(...latitudes) };
    };
    const geometries = (map.topology.objects.communes as { geometries: { id: string; properties: { schematic?: boolean } }[] }).geometries;
    const tiles = geometries.filter((g) => g.properties.schematic).map(box);
    const real = geometries.filter((g) => !g.properties.schematic).map(box);
    expect(tiles).toHaveLength(3);
    expect(Math.max(...tiles.map((t) => t.north))).toBeLessThan(Math.min(...real.map((r) => r.south)));
  });

  it('builds a level\'s map from a draft of every feature: a unit of several features is one geometry', () => {
    const draft = featureTopology([grid[0].polygons, grid[1].polygons, grid[2].polygons]);
    const topology = unitTopology(draft.topology, 'commune', [{ unit: grid[0].unit, features: [0, 2] }, { unit: grid[1].unit, features: [1] }]);
    const geometries = (topology.objects.communes as { geometries: { id: string; type: string }[] }).geometries;
    expect(geometries.map((g) => [g.id, g.type])).toEqual([[grid[0].unit.code, 'MultiPolygon'], [grid[1].unit.code, 'Polygon']]);
  });
});
