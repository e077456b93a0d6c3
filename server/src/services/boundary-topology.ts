/**
 * Boundaries as TopoJSON: an imported level is built once into a simplified, quantized topology
 * (neighbours share their borders, so simplifying one border moves both sides alike), and each
 * map a screen asks for is composed from it: the units of the scope, with the schematic tile
 * (DESIGN.md §5) standing in for any unit the file did not have.
 */
import { objectName, schematicMap, type MapLevel, type MapSource, type UnitInfo } from '@tiendo/shared';
import { mergeArcs, quantize } from 'topojson-client';
import { topology as buildTopology } from 'topojson-server';
import { filter, filterWeight, presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryCollection, GeometryObject, MultiPolygon, Objects, Polygon as TopoPolygon, Topology as AnyTopology } from 'topojson-specification';
import type { Polygon, Position } from './boundary-file.js';

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

/** One geometry per unit, simplified to a size a browser draws fast, keyed by unit code. */
export function storedTopology(level: MapLevel, units: readonly { unit: UnitInfo; polygons: Polygon[] }[]): StoredTopology {
  const features = units.map(({ unit, polygons }) => ({
    type: 'Feature' as const,
    id: unit.code,
    properties: { name: unit.name, fullName: unit.fullName },
    geometry: polygons.length === 1 ? { type: 'Polygon' as const, coordinates: polygons[0] } : { type: 'MultiPolygon' as const, coordinates: polygons },
  }));
  const built = buildTopology({ [objectName(level)]: { type: 'FeatureCollection', features } } as never, BUILD_QUANTIZATION) as Topology;
  const points = countPoints(built);
  const weighted = presimplify(built);
  const budget = Math.max(MIN_POINT_BUDGET, POINTS_PER_UNIT * units.length);
  const minWeight = points > budget ? Math.max(MIN_WEIGHT, quantile(weighted, budget / points)) : MIN_WEIGHT;
  const simplified = simplify(weighted, minWeight);
  // Islets smaller than a dropped triangle would be specks; the filter also drops unused arcs.
  const filtered = filter(simplified, filterWeight(simplified, minWeight));
  const topology = quantize(filtered, SERVED_QUANTIZATION);
  return { topology, points, storedPoints: countPoints(topology) };
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

  /** `move`, when given, places every point of the geometry elsewhere (a schematic tile on a real map). */
  add(source: Topology, geometry: UnitGeometry, properties: UnitGeometry['properties'], move?: Move): UnitGeometry {
    let indices = this.copied.get(move ?? source);
    if (!indices) this.copied.set(move ?? source, (indices = new Map()));
    const arc = (i: number): number => {
      const k = i < 0 ? ~i : i;
      let copy = indices.get(k);
      if (copy === undefined) {
        const points = decodeArc(source, k);
        copy = this.arcs.push(move ? points.map(move) : points) - 1;
        indices.set(k, copy);
      }
      return i < 0 ? ~copy : copy;
    };
    const rings = (polygon: number[][]) => polygon.map((ring) => ring.map(arc));
    return geometry.type === 'Polygon'
      ? { type: 'Polygon', id: geometry.id, properties, arcs: rings(geometry.arcs) }
      : { type: 'MultiPolygon', id: geometry.id, properties, arcs: geometry.arcs.map(rings) };
  }

  topology(objects: Record<string, UnitGeometry[]>): Topology {
    const collections: Record<string, GeometryCollection> = {};
    for (const [name, geometries] of Object.entries(objects)) collections[name] = { type: 'GeometryCollection', geometries };
    return { type: 'Topology', bbox: bounds(this.arcs), arcs: this.arcs, objects: collections };
  }
}

type Move = (point: Position) => Position;

/** The mean of a geometry's points: enough to line two maps of the same units up. */
function centre(topology: Topology, geometry: UnitGeometry): Position {
  const rings = geometry.type === 'Polygon' ? geometry.arcs : geometry.arcs.flat();
  const points = rings.flat().flatMap((i) => decodeArc(topology, i < 0 ? ~i : i));
  return [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];
}

/**
 * The scaling and shift that best carry the schematic's centres onto the real ones (least
 * squares), so that a unit missing from the file gets its tile about where it is, at the size of
 * the real map. With a single pair it is a shift; with none, nothing moves.
 */
function fit(pairs: readonly [Position, Position][]): Move | undefined {
  if (pairs.length === 0) return undefined;
  const mean = (k: 0 | 1, i: 0 | 1) => pairs.reduce((s, p) => s + p[k][i], 0) / pairs.length;
  const [ax, ay, bx, by] = [mean(0, 0), mean(0, 1), mean(1, 0), mean(1, 1)];
  let dot = 0;
  let norm = 0;
  for (const [[x0, y0], [x1, y1]] of pairs) {
    dot += (x0 - ax) * (x1 - bx) + (y0 - ay) * (y1 - by);
    norm += (x0 - ax) ** 2 + (y0 - ay) ** 2;
  }
  const scale = norm > 0 && dot > 0 ? dot / norm : 1;
  return ([x, y]) => [bx + (x - ax) * scale, by + (y - ay) * scale];
}

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
 * Communes come with their districts' outlines, merged from the communes so that the two
 * agree. Districts come from an imported district file, else from merged imported communes,
 * else from the schematic. Units missing from the files keep their schematic tile, drawn last.
 */
export function composeMap(units: readonly UnitInfo[], level: MapLevel, imported: { district: MapVersion | null; commune: MapVersion | null }): ComposedMap {
  const root = units[0];
  const schematic = schematicMap(units, root.code) as unknown as Topology;
  const schematicVersion = (l: MapLevel) => new MapVersion(0, l, schematic);
  const writer = new TopologyWriter();
  const used = new Set<MapVersion>();
  let real = 0;
  let stand = 0;
  const props = (u: UnitInfo) => ({ name: u.name, fullName: u.fullName });

  /** The units' geometries from a version, then schematic tiles for the rest. */
  const take = (targets: readonly UnitInfo[], version: MapVersion | null, l: MapLevel): UnitGeometry[] => {
    const fallback = schematicVersion(l);
    const found = targets.filter((u) => version?.byCode.has(u.code));
    const missing = targets.filter((u) => !version?.byCode.has(u.code) && fallback.byCode.has(u.code));
    const move = missing.length && version
      ? fit(found.filter((u) => fallback.byCode.has(u.code)).map((u) => [centre(schematic, fallback.byCode.get(u.code)!), centre(version.topology, version.byCode.get(u.code)!)]))
      : undefined;
    if (found.length) used.add(version!);
    real += found.length;
    stand += missing.length;
    return [
      ...found.map((u) => writer.add(version!.topology, version!.byCode.get(u.code)!, props(u))),
      ...missing.map((u) => writer.add(schematic, fallback.byCode.get(u.code)!, { ...props(u), schematic: true }, move)),
    ];
  };

  const districts = units.filter((u) => u.level === 'district');
  const objects: Record<string, UnitGeometry[]> = {};
  if (level === 'district' && (imported.district || !imported.commune)) {
    objects.districts = take(districts, imported.district, 'district');
  } else {
    const communes = take(units.filter((u) => u.level === 'commune'), imported.commune, 'commune');
    const parentOf = new Map(units.map((u) => [u.code, u.parent]));
    const merging = writer.topology({ communes });
    objects.districts = districts.flatMap((district) => {
      const parts = communes.filter((c) => parentOf.get(c.id) === district.code);
      if (parts.length === 0) return [];
      const properties = parts.every((p) => p.properties.schematic) ? { ...props(district), schematic: true as const } : props(district);
      return [{ type: 'MultiPolygon' as const, id: district.code, properties, arcs: mergeArcs(merging, parts).arcs }];
    });
    if (level === 'commune') objects.communes = communes;
  }
  // Copied once more, so that arcs only the merged-away communes used are left behind.
  const drawn = writer.topology(objects);
  const out = new TopologyWriter();
  const kept: Record<string, UnitGeometry[]> = {};
  for (const [name, geometries] of Object.entries(objects)) kept[name] = geometries.map((g) => out.add(drawn, g, g.properties));
  const source: MapSource = real === 0 ? 'schematic' : stand === 0 ? 'imported' : 'mixed';
  return { topology: quantize(forScreen(out.topology(kept)), SERVED_QUANTIZATION), source, versions: [...used] };
}

/** Simplified for the size the map is drawn at: the stored detail is kept for a district's map. */
function forScreen(topology: Topology): Topology {
  const [x0, y0, x1, y1] = topology.bbox!;
  const pixel = Math.max(x1 - x0, y1 - y0) / SERVED_PIXELS;
  const minWeight = (pixel * pixel) / 2;
  return minWeight > MIN_WEIGHT ? simplify(presimplify(topology), minWeight) : topology;
}
