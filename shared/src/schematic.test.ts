import { describe, expect, it } from 'vitest';
import type { UnitInfo } from './protocol.js';
import { schematicMap, type SchematicPolygon, type SchematicTopology } from './schematic.js';
import { catalog, COUNTRY } from './testing/catalog.js';

const byCode = new Map(catalog.map((u) => [u.code, u]));

function scope(root: string): UnitInfo[] {
  const below = (code: string): UnitInfo[] => catalog.filter((u) => u.parent === code).flatMap((u) => [u, ...below(u.code)]);
  return [byCode.get(root)!, ...below(root)];
}

const HA_TINH = '42';
const haTinh = scope(HA_TINH);
const haTinhMap = schematicMap(haTinh, HA_TINH);

function ringPoints(topology: SchematicTopology, arcs: readonly number[]): [number, number][] {
  return arcs.flatMap((i) => {
    const arc = i >= 0 ? topology.arcs[i] : [...topology.arcs[~i]].reverse();
    return arc.slice(1);
  });
}

/** Planar shoelace area in lon/lat: negative for a clockwise ring. */
function signedArea(ring: readonly [number, number][]): number {
  return ring.reduce((sum, [x0, y0], i) => {
    const [x1, y1] = ring[(i + 1) % ring.length];
    return sum + (x0 * y1 - x1 * y0) / 2;
  }, 0);
}

function centroid(topology: SchematicTopology, polygon: SchematicPolygon): [number, number] {
  const ring = ringPoints(topology, polygon.arcs[0]);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

/** Even-odd rule over all rings, so a point in a hole is outside. */
function contains(topology: SchematicTopology, polygon: SchematicPolygon, [x, y]: [number, number]): boolean {
  let inside = false;
  for (const ring of polygon.arcs.map((arcs) => ringPoints(topology, arcs))) {
    ring.forEach(([x0, y0], i) => {
      const [x1, y1] = ring[(i + 1) % ring.length];
      if (y0 > y !== y1 > y && x < ((x1 - x0) * (y - y0)) / (y1 - y0) + x0) inside = !inside;
    });
  }
  return inside;
}

/** Units sharing an arc are neighbours. */
function isContiguous(polygons: readonly SchematicPolygon[]): boolean {
  const byArc = new Map<number, number[]>();
  polygons.forEach((p, i) => p.arcs.flat().forEach((a) => byArc.set(a < 0 ? ~a : a, [...(byArc.get(a < 0 ? ~a : a) ?? []), i])));
  const reached = new Set([0]);
  const queue = [0];
  while (queue.length > 0) {
    const i = queue.pop()!;
    for (const a of polygons[i].arcs.flat()) {
      for (const j of byArc.get(a < 0 ? ~a : a)!) if (!reached.has(j)) reached.add(j) && queue.push(j);
    }
  }
  return reached.size === polygons.length;
}

describe('schematicMap of a province', () => {
  it('is deterministic, whatever the order of the catalog', () => {
    expect(schematicMap(haTinh, HA_TINH)).toEqual(haTinhMap);
    expect(schematicMap([...haTinh].reverse(), HA_TINH)).toEqual(haTinhMap);
  });

  it('draws the districts and, below them, the communes, named and keyed by code', () => {
    expect(Object.keys(haTinhMap.objects)).toEqual(['districts', 'communes']);
    const thachHa = haTinhMap.objects.districts.geometries.find((g) => g.id === '445');
    expect(thachHa?.properties).toEqual({ name: 'Thạch Hà', fullName: 'Huyện Thạch Hà' });
    expect(haTinhMap.objects.districts.geometries).toHaveLength(13);
    expect(haTinhMap.objects.communes.geometries).toHaveLength(216);
  });

  it.each([
    ['42', 'Hà Tĩnh'],
    ['01', 'Hà Nội'],
    ['38', 'Thanh Hóa, the most communes'],
    ['48', 'Đà Nẵng, with a district that has no communes'],
    ['79', 'Hồ Chí Minh'],
    ['11', 'Điện Biên'],
  ])('%s (%s): every commune is one hexagon, inside its own district and no other', (root) => {
    const units = scope(root);
    const topology = schematicMap(units, root);
    const expected = units.filter((u) => u.level === 'commune').map((u) => u.code).sort();
    const tiles = topology.objects.communes.geometries;
    expect(tiles.map((t) => t.id).sort()).toEqual(expected);
    for (const tile of tiles) {
      expect(tile.arcs).toHaveLength(1);
      expect(tile.arcs[0]).toHaveLength(6);
    }
    const centres = tiles.map((t) => centroid(topology, t).map((n) => n.toFixed(6)).join());
    expect(new Set(centres).size).toBe(tiles.length);

    const blocks = topology.objects.districts.geometries;
    for (const tile of tiles) {
      const centre = centroid(topology, tile);
      const containing = blocks.filter((b) => contains(topology, b, centre)).map((b) => b.id);
      expect(containing).toEqual([byCode.get(tile.id)!.parent]);
    }
  });

  it.each(['42', '01', '38', '48', '79'])('%s: the communes of each district form one block with one outline', (root) => {
    const topology = schematicMap(scope(root), root);
    const tiles = topology.objects.communes.geometries;
    for (const block of topology.objects.districts.geometries) {
      const own = tiles.filter((t) => byCode.get(t.id)!.parent === block.id);
      if (own.length > 0) expect(isContiguous(own)).toBe(true);
      const areas = block.arcs.map((ring) => signedArea(ringPoints(topology, ring)));
      // d3-geo needs the outer ring clockwise and holes anticlockwise.
      expect(areas[0]).toBeLessThan(0);
      for (const hole of areas.slice(1)) expect(hole).toBeGreaterThan(0);
      const tileAreas = own.map((t) => -signedArea(ringPoints(topology, t.arcs[0])));
      if (own.length > 0) expect(-areas.reduce((a, b) => a + b, 0)).toBeCloseTo(tileAreas.reduce((a, b) => a + b, 0), 9);
    }
  });

  it('gives a district without communes one empty tile', () => {
    const topology = schematicMap(scope('48'), '48');
    expect(topology.objects.districts.geometries.map((g) => g.id)).toContain('498');
    expect(topology.objects.communes.geometries.some((t) => byCode.get(t.id)!.parent === '498')).toBe(false);
  });

  it('shares arcs, so a mesh of the communes draws each inner border once', () => {
    const uses = new Map<number, number[]>();
    for (const tile of haTinhMap.objects.communes.geometries) {
      for (const a of tile.arcs[0]) uses.set(a < 0 ? ~a : a, [...(uses.get(a < 0 ? ~a : a) ?? []), a]);
    }
    expect(uses.size).toBe(haTinhMap.arcs.length);
    for (const directions of uses.values()) {
      expect(directions.length).toBeLessThanOrEqual(2);
      if (directions.length === 2) expect(Math.sign(directions[0] + 0.5)).not.toBe(Math.sign(directions[1] + 0.5));
    }
    const inner = [...uses.values()].filter((d) => d.length === 2).length;
    expect(inner).toBeGreaterThan(haTinhMap.objects.communes.geometries.length);
  });

  it('stays near the real province: lon/lat degrees around Hà Tĩnh', () => {
    const [west, south, east, north] = haTinhMap.bbox;
    expect(west).toBeGreaterThan(104.5);
    expect(east).toBeLessThan(107);
    expect(south).toBeGreaterThan(17.3);
    expect(north).toBeLessThan(19.3);
  });
});

describe('Hà Tĩnh keeps its geography', () => {
  const centre = (code: string) => centroidOfBlock(haTinhMap, code);

  it.each([
    ['439', 'Hương Sơn', '449', 'TX Kỳ Anh'],
    ['439', 'Hương Sơn', '440', 'Đức Thọ'],
    ['440', 'Đức Thọ', '443', 'Can Lộc'],
    ['441', 'Vũ Quang', '444', 'Hương Khê'],
    ['444', 'Hương Khê', '446', 'Cẩm Xuyên'],
    ['445', 'Thạch Hà', '436', 'TP Hà Tĩnh'],
    ['446', 'Cẩm Xuyên', '447', 'huyện Kỳ Anh'],
    ['447', 'huyện Kỳ Anh', '449', 'TX Kỳ Anh'],
  ])('%s %s lies west of %s %s', (west, _w, east) => {
    expect(centre(west)[0]).toBeLessThan(centre(east)[0]);
  });

  it.each([
    ['442', 'Nghi Xuân', '447', 'huyện Kỳ Anh'],
    ['442', 'Nghi Xuân', '443', 'Can Lộc'],
    ['437', 'TX Hồng Lĩnh', '444', 'Hương Khê'],
    ['448', 'Lộc Hà', '445', 'Thạch Hà'],
    ['440', 'Đức Thọ', '441', 'Vũ Quang'],
    ['445', 'Thạch Hà', '446', 'Cẩm Xuyên'],
    ['446', 'Cẩm Xuyên', '447', 'huyện Kỳ Anh'],
  ])('%s %s lies north of %s %s', (north, _n, south) => {
    expect(centre(north)[1]).toBeGreaterThan(centre(south)[1]);
  });

  it('runs from the mountains in the north-west to the coast in the south-east', () => {
    const [x0, y0] = centre('439');
    const [x1, y1] = centre('449');
    expect(x1 - x0).toBeGreaterThan(0.5);
    expect(y0 - y1).toBeGreaterThan(0.2);
  });
});

function centroidOfBlock(topology: SchematicTopology, code: string): [number, number] {
  const tiles = topology.objects.communes.geometries.filter((t) => byCode.get(t.id)!.parent === code);
  const centres = tiles.map((t) => centroid(topology, t));
  return [centres.reduce((s, c) => s + c[0], 0) / centres.length, centres.reduce((s, c) => s + c[1], 0) / centres.length];
}

describe('schematicMap of other scopes', () => {
  it('draws the country as provinces made of equal district tiles', () => {
    const topology = schematicMap(catalog, COUNTRY);
    expect(Object.keys(topology.objects)).toEqual(['provinces', 'districts']);
    expect(topology.objects.provinces.geometries).toHaveLength(63);
    expect(topology.objects.districts.geometries).toHaveLength(705);
    expect(topology.objects.districts.geometries.every((t) => t.arcs[0].length === 6)).toBe(true);
    for (const province of topology.objects.provinces.geometries) {
      expect(isContiguous(topology.objects.districts.geometries.filter((t) => byCode.get(t.id)!.parent === province.id))).toBe(true);
    }
  });

  it('draws a district as one block of its communes', () => {
    const topology = schematicMap(scope('445'), '445');
    expect(topology.objects.districts.geometries.map((g) => g.id)).toEqual(['445']);
    expect(topology.objects.communes.geometries).toHaveLength(22);
    expect(isContiguous(topology.objects.communes.geometries)).toBe(true);
  });

  it('draws provinces as tiles when the catalog stops at them', () => {
    const topology = schematicMap(catalog.filter((u) => u.level === 'country' || u.level === 'province'), COUNTRY);
    expect(Object.keys(topology.objects)).toEqual(['countries', 'provinces']);
    expect(topology.objects.provinces.geometries).toHaveLength(63);
  });

  it('refuses a root that is not in the catalog or has nothing below it', () => {
    expect(() => schematicMap(haTinh, '99')).toThrow('unit 99 is not in the catalog');
    expect(() => schematicMap(haTinh, '18385')).toThrow('unit 18385 has no units below it');
  });
});
