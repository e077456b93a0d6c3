/**
 * Boundaries as TopoJSON. An imported file is built once into a simplified, quantized topology
 * of all its features (neighbours share their borders, so simplifying one border moves both
 * sides alike); confirming it picks the features of each matched unit out of it. Each map a
 * screen asks for is composed from the active versions: the units of the scope, and a strip of
 * schematic tiles (DESIGN.md §5) apart from the real shapes for the units the file lacks, so
 * that a tile never covers a real unit.
 */
import { objectName, schematicMap, type MapLevel, type MapSource, type UnitInfo } from '@tiendo/shared';
import { feature as topologyFeature, mergeArcs, quantize } from 'topojson-client';
import { topology as buildTopology } from 'topojson-server';
import { filter, filterWeight, presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryCollection, GeometryObject, MultiPolygon, Objects, Polygon as TopoPolygon, Topology as AnyTopology } from 'topojson-specification';
import type { Polygon, Position } from './boundary-file.js';
import type { Box } from './map-places.js';

/** Property types are checked where geometries are made, not by the topojson functions. */
export type Topology = AnyTopology<Objects>;

/** Coordinates are snapped to this grid before borders are compared, so that neighbours share them. */
const BUILD_QUANTIZATION = 1e6;
/** About a metre over a province, ten over the country: finer than any screen shows. */
const SERVED_QUANTIZATION = 1e5;
/**
 * Points whose triangle with their neighbours is smaller than this (in square degrees) are
 * dropped: about half a pixel on a district's map, where units are drawn largest.
 */
const MIN_WEIGHT = 5e-8;
/**
 * A served map keeps no detail finer than half a pixel when the whole map is this many pixels
 * across (a wall's map panel is about as many CSS pixels wide on a 4K screen): a province's
 * communes need less than a district's, and draw faster for it.
 */
const SERVED_PIXELS = 1200;
/** At most this many points per unit on average are kept: a province renders in a blink. */
const POINTS_PER_UNIT = 150;
const MIN_POINT_BUDGET = 30_000;

export type UnitGeometry = (TopoPolygon | MultiPolygon) & { id: string; properties: { name: string; fullName: string; schematic?: true } };

export interface StoredTopology {
  topology: Topology;
  /** Points in the file's polygons, and kept after simplification. */
  points: number;
  storedPoints: number;
}

/** The TopoJSON object of a draft: every feature of the file, keyed by its number. */
export const FEATURES_OBJECT = 'features';

/** Every feature of a file, simplified to a size a browser draws fast, keyed by its number. */
export function featureTopology(features: readonly Polygon[][]): StoredTopology {
  const collection = features.map((polygons, i) => ({
    type: 'Feature' as const,
    id: String(i),
    properties: {},
    geometry: polygons.length === 1 ? { type: 'Polygon' as const, coordinates: polygons[0] } : { type: 'MultiPolygon' as const, coordinates: polygons },
  }));
  const built = buildTopology({ [FEATURES_OBJECT]: { type: 'FeatureCollection', features: collection } } as never, BUILD_QUANTIZATION) as Topology;
  const points = countPoints(built);
  const weighted = presimplify(built);
  const budget = Math.max(MIN_POINT_BUDGET, POINTS_PER_UNIT * features.length);
  const minWeight = points > budget ? Math.max(MIN_WEIGHT, quantile(weighted, budget / points)) : MIN_WEIGHT;
  const simplified = simplify(weighted, minWeight);
  // Islets smaller than a dropped triangle would be specks; the filter also drops unused arcs.
  const filtered = filter(simplified, filterWeight(simplified, minWeight));
  const topology = quantize(filtered, SERVED_QUANTIZATION);
  return { topology, points, storedPoints: countPoints(topology) };
}

/**
 * A level's map from a draft: one geometry per unit, keyed by unit code, made of the features
 * given to it (several are merged into one), with the arcs no unit uses left behind.
 */
export function unitTopology(draft: Topology, level: MapLevel, units: readonly { unit: UnitInfo; features: readonly number[] }[]): Topology {
  const collection = draft.objects[FEATURES_OBJECT] as GeometryCollection | undefined;
  const byFeature = new Map((collection?.geometries ?? []).filter((g) => g.type === 'Polygon' || g.type === 'MultiPolygon').map((g) => [String(g.id), g as TopoPolygon | MultiPolygon]));
  const writer = new TopologyWriter();
  const geometries = units.flatMap(({ unit, features }) => {
    const parts = features.map((i) => byFeature.get(String(i))).filter((g) => g !== undefined);
    if (parts.length === 0) return [];
    const merged = parts.length === 1 ? parts[0] : mergeArcs(draft, parts);
    return [writer.add(draft, { ...merged, id: unit.code } as UnitGeometry, { name: unit.name, fullName: unit.fullName })];
  });
  return quantize(writer.topology({ [objectName(level)]: geometries }), SERVED_QUANTIZATION);
}

/** One geometry per unit, simplified to a size a browser draws fast, keyed by unit code. */
export function storedTopology(level: MapLevel, units: readonly { unit: UnitInfo; polygons: Polygon[] }[]): StoredTopology {
  const draft = featureTopology(units.map((u) => u.polygons));
  const topology = unitTopology(draft.topology, level, units.map((u, i) => ({ unit: u.unit, features: [i] })));
  return { ...draft, topology, storedPoints: countPoints(topology) };
}

function countPoints(topology: Topology): number {
  return topology.arcs.reduce((sum, arc) => sum + arc.length, 0);
}

/** A stored version, parsed, with its geometries by unit code. */
export class MapVersion {
  readonly byCode: ReadonlyMap<string, UnitGeometry>;

  constructor(
    readonly version: number,
    readonly level: MapLevel,
    readonly topology: Topology,
  ) {
    const collection = topology.objects[objectName(level)] as GeometryCollection | undefined;
    const geometries = (collection?.geometries ?? []).filter(isUnitGeometry);
    this.byCode = new Map(geometries.map((g) => [String(g.id), g]));
  }

  get box(): Box {
    return this.topology.bbox!.slice(0, 4) as Box;
  }

  /** Each unit's polygons in lon/lat. */
  outlines(): Map<string, Polygon[]> {
    return new Map([...this.byCode].map(([code, geometry]) => {
      const { geometry: g } = topologyFeature(this.topology, geometry) as { geometry: { type: string; coordinates: unknown } };
      return [code, (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Polygon[]];
    }));
  }
}

function isUnitGeometry(geometry: GeometryObject): geometry is UnitGeometry {
  return (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') && geometry.id !== undefined;
}

/**
 * Geometries taken from several topologies into one: each arc used is copied once, decoded to
 * absolute coordinates, and referred to by its new index.
 */
class TopologyWriter {
  readonly arcs: Position[][] = [];
  private readonly copied = new Map<object, Map<number, number>>();

  add(source: Topology, geometry: UnitGeometry, properties: UnitGeometry['properties']): UnitGeometry {
    let indices = this.copied.get(source);
    if (!indices) this.copied.set(source, (indices = new Map()));
    const arc = (i: number): number => {
      const k = i < 0 ? ~i : i;
      let copy = indices.get(k);
      if (copy === undefined) {
        copy = this.arcs.push(decodeArc(source, k)) - 1;
        indices.set(k, copy);
      }
      return i < 0 ? ~copy : copy;
    };
    const rings = (polygon: number[][]) => polygon.map((ring) => ring.map(arc));
    return geometry.type === 'Polygon'
      ? { type: 'Polygon', id: geometry.id, properties, arcs: rings(geometry.arcs) }
      : { type: 'MultiPolygon', id: geometry.id, properties, arcs: geometry.arcs.map(rings) };
  }

  /** A polygon of one ring of its own (a tile of the strip). */
  ring(points: Position[], id: string, properties: UnitGeometry['properties']): UnitGeometry {
    return { type: 'Polygon', id, properties, arcs: [[this.arcs.push(points) - 1]] };
  }

  topology(objects: Record<string, UnitGeometry[]>): Topology {
    const collections: Record<string, GeometryCollection> = {};
    for (const [name, geometries] of Object.entries(objects)) collections[name] = { type: 'GeometryCollection', geometries };
    return { type: 'Topology', bbox: bounds(this.arcs), arcs: this.arcs, objects: collections };
  }
}

/** The strip of missing units has at least this many places in a row, so that two do not fill it. */
const STRIP_MIN_COLUMNS = 6;
const STRIP_MAX_COLUMNS = 12;
/** Room between the real shapes and the strip, in tile radii: the strip's caption goes there. */
const STRIP_GAP = 1.6;
/** Tiles are drawn a little smaller than their places, so that each reads as a unit of its own. */
const TILE_SCALE = 0.9;

/**
 * Hexagonal tiles for units without a boundary, in rows under the real shapes (`box`), as wide
 * as they are: a tile never covers a real unit, and nobody reads the strip for geography.
 */
function stripTiles(count: number, [x0, y0, x1]: Box): Position[][] {
  const k = Math.cos((y0 * Math.PI) / 180);
  const columns = Math.min(STRIP_MAX_COLUMNS, Math.max(STRIP_MIN_COLUMNS, count));
  const width = ((x1 - x0) * k) / columns;
  const radius = width / Math.sqrt(3);
  const top = y0 - STRIP_GAP * radius;
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns);
    const cx = x0 * k + width * ((i % columns) + 0.5 + (row % 2) / 2);
    const cy = top - radius - row * 1.5 * radius;
    // Clockwise from the top, as d3-geo wants an outer ring.
    const ring = [90, 30, -30, -90, -150, 150, 90].map((degrees): Position => {
      const a = (degrees * Math.PI) / 180;
      return [round6((cx + Math.cos(a) * radius * TILE_SCALE) / k), round6(cy + Math.sin(a) * radius * TILE_SCALE)];
    });
    return ring;
  });
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function decodeArc(topology: Topology, index: number): Position[] {
  const arc = topology.arcs[index];
  if (!topology.transform) return arc.map(([x, y]) => [x, y]);
  const { scale: [kx, ky], translate: [dx, dy] } = topology.transform;
  let x = 0;
  let y = 0;
  return arc.map(([qx, qy]) => [(x += qx) * kx + dx, (y += qy) * ky + dy]);
}

function bounds(arcs: Position[][]): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const arc of arcs) {
    for (const [x, y] of arc) {
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  }
  return box;
}

export interface ComposedMap {
  topology: Topology;
  source: MapSource;
  /** The imported versions used. */
  versions: MapVersion[];
}

/**
 * The map of `root`'s units at `level` (root first in `units`, then its descendants).
 * Communes come with their districts' outlines, merged from the real communes so that the two
 * agree. Districts come from an imported district file, else from merged imported communes.
 * Without any imported unit the map is the schematic; with some, the units without a boundary
 * are tiles in a strip under the real shapes, marked `schematic` and drawn last.
 */
export function composeMap(units: readonly UnitInfo[], level: MapLevel, imported: { district: MapVersion | null; commune: MapVersion | null }): ComposedMap {
  const districts = units.filter((u) => u.level === 'district');
  const communes = units.filter((u) => u.level === 'commune');
  const props = (u: UnitInfo) => ({ name: u.name, fullName: u.fullName });
  const fromDistricts = level === 'district' && (imported.district !== null || imported.commune === null);
  const version = fromDistricts ? imported.district : imported.commune;
  const real = (fromDistricts ? districts : communes).filter((u) => version?.byCode.has(u.code));
  if (!version || real.length === 0) return schematicOnly(units, level);

  const writer = new TopologyWriter();
  const objects: Record<string, UnitGeometry[]> = {};
  let missing: UnitInfo[];
  if (fromDistricts) {
    objects.districts = real.map((u) => writer.add(version.topology, version.byCode.get(u.code)!, props(u)));
    missing = districts.filter((u) => !version.byCode.has(u.code));
  } else {
    const drawn = real.map((u) => writer.add(version.topology, version.byCode.get(u.code)!, props(u)));
    const merging = writer.topology({ communes: drawn });
    const parentOf = new Map(units.map((u) => [u.code, u.parent]));
    objects.districts = districts.flatMap((district) => {
      const parts = drawn.filter((c) => parentOf.get(c.id) === district.code);
      return parts.length ? [{ type: 'MultiPolygon' as const, id: district.code, properties: props(district), arcs: mergeArcs(merging, parts).arcs }] : [];
    });
    if (level === 'commune') {
      objects.communes = drawn;
      missing = communes.filter((u) => !version.byCode.has(u.code));
    } else {
      const outlined = new Set(objects.districts.map((d) => d.id));
      missing = districts.filter((d) => !outlined.has(d.code));
    }
  }
  const strip = stripTiles(missing.length, bounds(writer.arcs)).map((ring, i) => writer.ring(ring, missing[i].code, { ...props(missing[i]), schematic: true }));
  objects[objectName(level)].push(...strip);
  // Copied once more, so that arcs only the merged-away communes used are left behind.
  const composed = writer.topology(objects);
  const out = new TopologyWriter();
  const kept: Record<string, UnitGeometry[]> = {};
  for (const [name, geometries] of Object.entries(objects)) kept[name] = geometries.map((g) => out.add(composed, g, g.properties));
  return { topology: quantize(forScreen(out.topology(kept)), SERVED_QUANTIZATION), source: missing.length ? 'mixed' : 'imported', versions: [version] };
}

/** The schematic of the scope, its units marked as such. */
function schematicOnly(units: readonly UnitInfo[], level: MapLevel): ComposedMap {
  const schematic = schematicMap(units, units[0].code) as unknown as Topology;
  const tiles = level === 'commune' ? ['districts', 'communes'] : ['districts'];
  const objects: Record<string, UnitGeometry[]> = {};
  const writer = new TopologyWriter();
  for (const name of tiles) {
    const collection = schematic.objects[name] as GeometryCollection | undefined;
    objects[name] = (collection?.geometries ?? []).filter(isUnitGeometry).map((g) => writer.add(schematic, g, { ...g.properties, schematic: true }));
  }
  return { topology: quantize(writer.topology(objects), SERVED_QUANTIZATION), source: 'schematic', versions: [] };
}

/** Simplified for the size the map is drawn at: the stored detail is kept for a district's map. */
function forScreen(topology: Topology): Topology {
  const [x0, y0, x1, y1] = topology.bbox!;
  const pixel = Math.max(x1 - x0, y1 - y0) / SERVED_PIXELS;
  const minWeight = (pixel * pixel) / 2;
  return minWeight > MIN_WEIGHT ? simplify(presimplify(topology), minWeight) : topology;
}
