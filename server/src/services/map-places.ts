/**
 * Where the features of a boundary file lie, and what the deployment knows of where its units
 * are: the districts' representative points (shared/src/district-points.ts), and the outlines
 * of an active district map. A code is believed when the feature lies where its unit is; a
 * file is warned about when it lies outside the province; the level of a file is told from the
 * number and the size of its features against the catalog.
 */
import { DISTRICT_POINTS, type MapLevel, type MapLevelEvidence, type UnitInfo } from '@tiendo/shared';
import type { Polygon, Position } from './boundary-file.js';

/** West, south, east, north in degrees. */
export type Box = [number, number, number, number];

const KM_PER_DEGREE = 111.32;
/** Land area of Vietnam: with the catalog's counts, the typical size of a district and a commune. */
const VIETNAM_KM2 = 331_345;
/** How far beyond its districts' points a province still reaches, in degrees. */
const EXTENT_MARGIN = 0.3;
/** Two readings of the level closer than this factor (in number or size) tell nothing apart. */
const UNDECIDED_RATIO = Math.log(1.5);

export interface PlacedFeature {
  /** A point inside the feature. */
  point: Position;
  box: Box;
  areaKm2: number;
}

export function place(polygons: readonly Polygon[]): PlacedFeature {
  return { point: interiorPoint(polygons), box: boxOf(polygons), areaKm2: areaKm2(polygons) };
}

export function boxOf(polygons: readonly Polygon[]): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0]) {
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  }
  return box;
}

/** Twice the signed area of a ring in the lon/lat plane. */
function ringArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

/** Outer rings less holes, with a degree of longitude shortened by the latitude. */
export function areaKm2(polygons: readonly Polygon[]): number {
  let degrees = 0;
  let latitude = 0;
  for (const polygon of polygons) {
    const outer = Math.abs(ringArea(polygon[0])) / 2;
    degrees += outer - polygon.slice(1).reduce((s, hole) => s + Math.abs(ringArea(hole)) / 2, 0);
    latitude = polygon[0][0][1];
  }
  return degrees * KM_PER_DEGREE * KM_PER_DEGREE * Math.cos((latitude * Math.PI) / 180);
}

/** Inside a polygon's outer ring and outside its holes (even-odd), for any polygon. */
export function contains(polygons: readonly Polygon[], [x, y]: Position): boolean {
  return polygons.some((polygon) => {
    let inside = false;
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  });
}

/**
 * The centroid of the largest polygon when it lies inside; else, of a grid over that polygon,
 * the inside point nearest the centroid (a crescent's centroid lies outside it).
 */
function interiorPoint(polygons: readonly Polygon[]): Position {
  const largest = polygons.reduce((a, b) => (Math.abs(ringArea(b[0])) > Math.abs(ringArea(a[0])) ? b : a));
  const ring = largest[0];
  let cx = 0;
  let cy = 0;
  let twice = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const cross = ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    cx += (ring[i][0] + ring[i + 1][0]) * cross;
    cy += (ring[i][1] + ring[i + 1][1]) * cross;
    twice += cross;
  }
  const centroid: Position = twice === 0 ? ring[0] : [cx / (3 * twice), cy / (3 * twice)];
  if (contains([largest], centroid)) return centroid;
  const [x0, y0, x1, y1] = boxOf([largest]);
  let best: Position = ring[0];
  let bestDistance = Infinity;
  for (let i = 1; i < 16; i++) {
    for (let j = 1; j < 16; j++) {
      const p: Position = [x0 + ((x1 - x0) * i) / 16, y0 + ((y1 - y0) * j) / 16];
      const d = Math.hypot(p[0] - centroid[0], p[1] - centroid[1]);
      if (d < bestDistance && contains([largest], p)) [best, bestDistance] = [p, d];
    }
  }
  return best;
}

/** Whether two features share a vertex: neighbours in a topological file do, an islet does not. */
export function touches(a: readonly Polygon[], b: readonly Polygon[]): boolean {
  const key = ([x, y]: Position) => `${Math.round(x * 1e6)},${Math.round(y * 1e6)}`;
  const vertices = new Set(a.flatMap((p) => p.flatMap((ring) => ring.map(key))));
  return b.some((p) => p.some((ring) => ring.some((v) => vertices.has(key(v)))));
}

/** Kilometres from a point to a box (0 inside it). */
export function distanceKm(box: Box, [x, y]: Position): number {
  const dx = Math.max(box[0] - x, 0, x - box[2]) * Math.cos((y * Math.PI) / 180);
  const dy = Math.max(box[1] - y, 0, y - box[3]);
  return Math.hypot(dx, dy) * KM_PER_DEGREE;
}

export const inBox = (box: Box, [x, y]: Position) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];

export function unionBox(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  return [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
}

export type Agreement = 'agrees' | 'disagrees' | 'unknown';

/**
 * What the deployment knows of where its units are. Districts: their representative points
 * when every district of the deployment has one. Communes: the outline of their district when
 * a district map is active. The province: the points with a margin, else the active maps.
 */
export class KnownPlaces {
  readonly extent: Box | null;
  private readonly points: Map<string, Position> | null;

  constructor(
    districts: readonly UnitInfo[],
    private readonly outlines: ReadonlyMap<string, Polygon[]> | null,
    activeExtents: readonly Box[],
  ) {
    const known = districts.map((d) => [d.code, DISTRICT_POINTS.get(d.code)] as const);
    this.points = known.length > 0 && known.every(([, p]) => p) ? new Map(known.map(([code, p]) => [code, [p!.lon, p!.lat] as Position])) : null;
    const fromPoints = this.points ? boxOf([[[...this.points.values()]]]) : null;
    this.extent = fromPoints
      ? [fromPoints[0] - EXTENT_MARGIN, fromPoints[1] - EXTENT_MARGIN, fromPoints[2] + EXTENT_MARGIN, fromPoints[3] + EXTENT_MARGIN]
      : unionBox(activeExtents);
  }

  outside(feature: PlacedFeature): boolean {
    return this.extent !== null && !inBox(this.extent, feature.point);
  }

  /**
   * Whether a feature lies where a unit is: a district when its point, and no other district's,
   * lies inside the feature; a commune when the feature lies in its district's outline.
   * Lying outside the province disagrees with any unit.
   */
  agreement(unit: UnitInfo, polygons: readonly Polygon[], placed: PlacedFeature): Agreement {
    if (this.outside(placed)) return 'disagrees';
    if (unit.level === 'district' && this.points) {
      const inside = [...this.points].filter(([, p]) => inBox(placed.box, p) && contains(polygons, p)).map(([code]) => code);
      if (inside.length === 0) return 'unknown';
      if (!inside.includes(unit.code)) return 'disagrees';
      return inside.length === 1 ? 'agrees' : 'unknown';
    }
    if (unit.level === 'commune' && this.outlines && unit.parent) {
      const district = [...this.outlines].find(([, outline]) => contains(outline, placed.point))?.[0];
      if (district === undefined) return 'unknown';
      return district === unit.parent ? 'agrees' : 'disagrees';
    }
    return 'unknown';
  }

  /** The districts whose points lie inside a feature: a part holding one is no islet of another. */
  districtsInside(polygons: readonly Polygon[], placed: PlacedFeature): string[] {
    if (!this.points) return [];
    return [...this.points].filter(([, p]) => inBox(placed.box, p) && contains(polygons, p)).map(([code]) => code);
  }
}

/**
 * The level a file's features are, by their number against the units of each level (in the
 * deployment, or in the whole country for a national file) and by their median size against
 * the typical unit of each level. Null when a reading tells nothing apart; `level` is null when
 * the two readings disagree or neither tells.
 */
export function inferLevel(
  placed: readonly PlacedFeature[],
  levels: readonly MapLevel[],
  counts: Readonly<Record<MapLevel, { deployment: number; country: number }>>,
): MapLevelEvidence & { level: MapLevel | null } {
  const n = placed.length;
  const areas = placed.map((p) => p.areaKm2).sort((a, b) => a - b);
  const median = areas.length % 2 ? areas[areas.length >> 1] : (areas[areas.length / 2 - 1] + areas[areas.length / 2]) / 2;
  const nearest = (distance: (level: MapLevel) => number): MapLevel | null => {
    const ranked = [...levels].sort((a, b) => distance(a) - distance(b));
    if (ranked.length === 1) return ranked[0];
    return distance(ranked[1]) - distance(ranked[0]) < UNDECIDED_RATIO ? null : ranked[0];
  };
  const byCount = nearest((l) => Math.min(...[counts[l].deployment, counts[l].country].filter((c) => c > 0).map((c) => Math.abs(Math.log(n / c)))));
  const byArea = nearest((l) => Math.abs(Math.log(Math.max(median, 1e-6) / (VIETNAM_KM2 / Math.max(1, counts[l].country)))));
  const level = levels.length === 1 ? levels[0] : byCount && byArea ? (byCount === byArea ? byCount : null) : (byCount ?? byArea);
  return { features: n, medianAreaKm2: Math.round(median * 10) / 10, byCount, byArea, level };
}
