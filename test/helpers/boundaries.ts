/**
 * Boundary files made up for tests: no third-party boundaries are committed (DESIGN.md §5).
 * Units are grown on a fine hexagonal lattice whose corners are jittered, so borders wander like
 * real ones while neighbours still share every vertex: districts around DESIGN.md's points with
 * their relative areas, communes as balanced clusters of their district's cells. Also the file
 * formats a province's IT office may have: TopoJSON, a zipped ESRI shapefile (written here, byte
 * by byte), and a projected variant that must be refused. And the kinds of file most people
 * can download, which a careless matcher gets wrong: GADM-derived files (old names, Ð for Đ, a
 * province-name column, row numbers), a national file, a shifted one; each comes with the
 * truth of what every feature is.
 */
import { catalog, subtree } from '@tiendo/server/dist/catalog/catalog.js';
import type { UnitInfo } from '@tiendo/shared';

export type Position = [number, number];
export type Polygon = Position[][];
export interface BoundaryFeature {
  type: 'Feature';
  id?: number | string;
  properties: Record<string, string | number | null>;
  geometry: { type: 'Polygon'; coordinates: Polygon } | { type: 'MultiPolygon'; coordinates: Polygon[] };
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: BoundaryFeature[];
}

/** DESIGN.md §5: Hà Tĩnh's districts, (lat, lon) and area relative to Hương Khê. */
const HA_TINH_POINTS: Record<string, [number, number, number]> = {
  436: [18.355, 105.903, 0.04], 437: [18.531, 105.709, 0.05], 439: [18.478, 105.306, 0.87], 440: [18.496, 105.606, 0.16],
  441: [18.325, 105.447, 0.51], 442: [18.62, 105.766, 0.17], 443: [18.44, 105.733, 0.24], 444: [18.177, 105.679, 1.0],
  445: [18.339, 105.874, 0.28], 446: [18.194, 106.006, 0.51], 447: [18.064, 106.181, 0.6], 448: [18.469, 105.863, 0.09],
  449: [18.04, 106.366, 0.22],
};
/** Radius in degrees of a district whose relative area is 1 (Hương Khê, about 1,260 km²). */
const UNIT_RADIUS = 0.19;

// Pointy-top hexagons of circumradius 1: cell (q, r) has its centre at (√3(q + r/2), 1.5r);
// corners sit on an integer lattice in units of √3/2 across and 1/2 up, shared by neighbours.
const CORNERS: readonly Position[] = [[0, 2], [1, 1], [1, -1], [0, -2], [-1, -1], [-1, 1]];
const NEIGHBOURS: readonly Position[] = [[0, 1], [1, 0], [1, -1], [0, -1], [-1, 0], [-1, 1]];
const cellKey = (q: number, r: number) => `${q},${r}`;

function hash(...ns: number[]): number {
  let h = 2166136261;
  for (const n of ns) h = Math.imul(h ^ (n | 0), 16777619) ^ (h >>> 13);
  return ((h >>> 0) % 100_000) / 100_000;
}

/** A lattice over the globe: cell size, origin, and how corners wander. */
class Lattice {
  private readonly cosLat: number;

  constructor(
    readonly size: number,
    readonly lon0: number,
    readonly lat0: number,
    /** Extra points per edge, each nudged sideways: more points per unit, as real files have. */
    readonly detail = 0,
  ) {
    this.cosLat = Math.cos((lat0 * Math.PI) / 180);
  }

  centre(q: number, r: number): Position {
    return this.toLonLat([2 * q + r, 3 * r], false);
  }

  cellAt(lon: number, lat: number): Position {
    const x = ((lon - this.lon0) * this.cosLat) / this.size / Math.sqrt(3);
    const r = Math.round((lat - this.lat0) / this.size / 1.5);
    return [Math.round(x - r / 2), r];
  }

  /** A lattice corner moved by up to 0.3 of a cell, the same wherever it is met. */
  private jitter([vx, vy]: Position): Position {
    return [vx + (hash(vx, vy, 1) - 0.5) * 0.6, vy + (hash(vx, vy, 2) - 0.5) * 0.6];
  }

  toLonLat([vx, vy]: Position, jitter = true): Position {
    const [x, y] = jitter ? this.jitter([vx, vy]) : [vx, vy];
    return [round7(this.lon0 + (x * (Math.sqrt(3) / 2) * this.size) / this.cosLat), round7(this.lat0 + y * 0.5 * this.size)];
  }

  /** Points from corner a to corner b, without b; the neighbour across gets them reversed. */
  edge(a: Position, b: Position): Position[] {
    const forward = a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const [from, to] = forward ? [a, b] : [b, a];
    const [p, q] = [this.jitter(from), this.jitter(to)];
    const [dx, dy] = [q[0] - p[0], q[1] - p[1]];
    const inner: Position[] = [];
    for (let i = 1; i <= this.detail; i++) {
      const t = i / (this.detail + 1);
      // Sideways in lattice units, which are √3/2 across and 1/2 up.
      const side = (hash(...from, ...to, i) - 0.5) * 0.25;
      inner.push([p[0] + dx * t - (dy / Math.sqrt(3)) * side, p[1] + dy * t + dx * Math.sqrt(3) * side]);
    }
    const ordered = forward ? [p, ...inner] : [q, ...inner.reverse()];
    return ordered.map((v) => this.toLonLat(v, false));
  }

  /** The outline of a set of cells: one polygon per connected part, outer ring anticlockwise (RFC 7946). */
  polygons(cells: ReadonlySet<string>): Polygon[] {
    const next = new Map<string, Position>();
    for (const key of cells) {
      const [q, r] = key.split(',').map(Number);
      const corners = CORNERS.map(([dx, dy]) => [2 * q + r + dx, 3 * r + dy] as Position);
      NEIGHBOURS.forEach(([dq, dr], k) => {
        if (!cells.has(cellKey(q + dq, r + dr))) next.set(corners[k].join(), corners[(k + 1) % 6]);
      });
    }
    const rings: Position[][] = [];
    for (const [start, first] of next) {
      const ring: Position[] = [];
      let at = start;
      let to: Position | undefined = first;
      while (to) {
        ring.push(...this.edge(at.split(',').map(Number) as Position, to));
        next.delete(at);
        at = to.join();
        to = next.get(at);
      }
      ring.push(ring[0]);
      // Traced with the cells on the right (clockwise): reversed for RFC 7946's anticlockwise.
      rings.push(ring.reverse());
    }
    const outer = rings.filter((r) => area(r) > 0);
    const holes = rings.filter((r) => area(r) <= 0);
    return outer.map((ring) => [ring, ...holes.filter((h) => inside(h[0], ring))]);
  }
}

function area(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum / 2;
}

function inside([x, y]: Position, ring: Position[]): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

const round7 = (n: number) => Math.round(n * 1e7) / 1e7;

function geometry(polygons: Polygon[]): BoundaryFeature['geometry'] {
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

/** k seeds spread over the cells (farthest first), then a few rounds of Lloyd's relaxation. */
function clusters(cells: Position[], lattice: Lattice, k: number): Map<string, number> {
  const centres = cells.map(([q, r]) => warp(lattice.centre(q, r), 0.008, 2));
  const seeds: Position[] = [centres[Math.floor(centres.length / 2)]];
  const nearest = centres.map((c) => dist(c, seeds[0]));
  while (seeds.length < k) {
    const far = nearest.indexOf(Math.max(...nearest));
    seeds.push(centres[far]);
    centres.forEach((c, i) => (nearest[i] = Math.min(nearest[i], dist(c, centres[far]))));
  }
  let owner: number[] = [];
  for (let round = 0; round < 6; round++) {
    owner = centres.map((c) => seeds.reduce((best, s, i) => (dist(c, s) < dist(c, seeds[best]) ? i : best), 0));
    seeds.forEach((_, i) => {
      const mine = centres.filter((_, j) => owner[j] === i);
      if (mine.length) seeds[i] = [mine.reduce((s, c) => s + c[0], 0) / mine.length, mine.reduce((s, c) => s + c[1], 0) / mine.length];
    });
  }
  // Relaxation can leave a small district's cluster empty: it takes the cell nearest its seed.
  seeds.forEach((seed, i) => {
    if (owner.includes(i)) return;
    const sizes = seeds.map((_, j) => owner.filter((o) => o === j).length);
    const free = centres.map((c, j) => ({ j, d: dist(c, seed) })).filter(({ j }) => sizes[owner[j]] > 1);
    owner[free.reduce((a, b) => (b.d < a.d ? b : a)).j] = i;
  });
  return new Map(cells.map(([q, r], i) => [cellKey(q, r), owner[i]]));
}

const dist = (a: Position, b: Position) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/**
 * A smooth displacement of up to about `amount` degrees, with waves about 1/`frequency` of a
 * degree long, so that borders meander instead of running straight.
 */
function warp([x, y]: Position, amount: number, frequency: number): Position {
  const wave = (a: number, b: number, c: number) => Math.sin(frequency * (a * x + b * y) + c);
  return [
    x + amount * (0.6 * wave(23, 7, 1) + 0.3 * wave(-11, 41, 2) + 0.2 * wave(67, -29, 3)),
    y + amount * (0.6 * wave(-9, 27, 4) + 0.3 * wave(37, 13, 5) + 0.2 * wave(-53, 71, 6)),
  ];
}

/** Hà Tĩnh's coast runs north-west to south-east; the sea is beyond it. */
const atSea = ([lon, lat]: Position) => lat > 18.7 - 0.98 * (lon - 105.75) + 0.015 * Math.sin(lon * 40);

export interface ProvinceBoundaries {
  units: UnitInfo[];
  districts: FeatureCollection;
  communes: FeatureCollection;
}

/**
 * Hà Tĩnh's 13 districts and 216 communes. Districts hold the cells nearest their point relative
 * to their radius; communes split their district into clusters of about equal size.
 * Properties: districts `ma_huyen` (code), `ten_huyen` (full name); communes `ma_xa`, `ten_xa`,
 * and `ten_huyen` of their district.
 */
export function haTinhBoundaries(options: { cell?: number; detail?: number } = {}): ProvinceBoundaries {
  const lattice = new Lattice(options.cell ?? 0.004, 105.8, 18.35, options.detail ?? 0);
  const units = subtree('42')!;
  const districts = units.filter((u) => u.level === 'district');
  const byDistrict = new Map<string, Position[]>(districts.map((d) => [d.code, []]));
  const [, south] = lattice.cellAt(105.0, 17.7);
  const [, north] = lattice.cellAt(105.0, 18.95);
  for (let r = south; r <= north; r++) {
    const row = lattice.centre(0, r)[1];
    for (let q = lattice.cellAt(105.0, row)[0]; q <= lattice.cellAt(106.7, row)[0]; q++) {
      if (atSea(lattice.centre(q, r))) continue;
      const [lon, lat] = warp(lattice.centre(q, r), 0.025, 0.4);
      let best: string | null = null;
      let bestDistance = 1.2;
      for (const d of districts) {
        const [plat, plon, relative] = HA_TINH_POINTS[d.code];
        const d2 = Math.hypot((lon - plon) * Math.cos((plat * Math.PI) / 180), lat - plat) / (UNIT_RADIUS * Math.sqrt(relative));
        if (d2 < bestDistance) [best, bestDistance] = [d.code, d2];
      }
      if (best) byDistrict.get(best)!.push([q, r]);
    }
  }
  const districtFeatures: BoundaryFeature[] = [];
  const communeFeatures: BoundaryFeature[] = [];
  for (const district of districts) {
    const cells = byDistrict.get(district.code)!;
    districtFeatures.push({
      type: 'Feature',
      properties: { ma_huyen: district.code, ten_huyen: district.fullName },
      geometry: geometry(lattice.polygons(new Set(cells.map(([q, r]) => cellKey(q, r))))),
    });
    const communes = units.filter((u) => u.parent === district.code);
    const owner = clusters(cells, lattice, communes.length);
    communes.forEach((commune, i) => {
      const mine = new Set([...owner].filter(([, o]) => o === i).map(([key]) => key));
      communeFeatures.push({
        type: 'Feature',
        properties: { ma_xa: commune.code, ten_xa: commune.fullName, ten_huyen: district.fullName },
        geometry: geometry(lattice.polygons(mine)),
      });
    });
  }
  return { units, districts: collection(districtFeatures), communes: collection(communeFeatures) };
}

/**
 * Every commune of the country (10,599) as a block of cells in a grid of blocks, in code
 * order, keyed by code: for measuring imports of a national file.
 */
export function countryCommunes(options: { block?: number; detail?: number } = {}): FeatureCollection {
  const block = options.block ?? 4;
  const lattice = new Lattice(0.012, 102.5, 8.5, options.detail ?? 2);
  const communes = [...catalog().values()].filter((u) => u.level === 'commune');
  const columns = Math.ceil(Math.sqrt(communes.length));
  return collection(
    communes.map((commune, i) => {
      const [bq, br] = [(i % columns) * block, Math.floor(i / columns) * block];
      const cells = new Set<string>();
      for (let dq = 0; dq < block; dq++) for (let dr = 0; dr < block; dr++) cells.add(cellKey(bq + dq - Math.floor((br + dr) / 2), br + dr));
      return {
        type: 'Feature' as const,
        properties: { ma_xa: commune.code, ten_xa: commune.fullName, ma_huyen: commune.parent },
        geometry: geometry(lattice.polygons(cells)),
      };
    }),
  );
}

export function collection(features: BoundaryFeature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

/** The same features with other properties (or fewer features), leaving the input as it was. */
export function mapFeatures(fc: FeatureCollection, change: (f: BoundaryFeature, i: number) => BoundaryFeature | null): FeatureCollection {
  return collection(fc.features.map((f, i) => change({ ...f, properties: { ...f.properties } }, i)).filter((f): f is BoundaryFeature => f !== null));
}

/** TopoJSON of the features, one arc per ring (no shared borders: the importer finds them). */
export function toTopoJson(fc: FeatureCollection, object = 'units'): unknown {
  const arcs: Position[][] = [];
  const ring = (r: Position[]) => arcs.push(r) - 1;
  return {
    type: 'Topology',
    arcs,
    objects: {
      [object]: {
        type: 'GeometryCollection',
        geometries: fc.features.map((f) => ({
          type: f.geometry.type,
          properties: f.properties,
          arcs: f.geometry.type === 'Polygon' ? f.geometry.coordinates.map((r) => [ring(r)]) : f.geometry.coordinates.map((p) => p.map((r) => [ring(r)])),
        })),
      },
    },
  };
}

/** The features in metres, as a province's VN-2000 / UTM zone 48N file would have them. */
export function projected(fc: FeatureCollection): FeatureCollection {
  const utm = ([lon, lat]: Position): Position => [Math.round(500_000 + (lon - 105) * 111_320 * Math.cos((lat * Math.PI) / 180)), Math.round(lat * 110_574)];
  return mapFeatures(fc, (f) => ({
    ...f,
    geometry: f.geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: f.geometry.coordinates.map((r) => r.map(utm)) }
      : { type: 'MultiPolygon', coordinates: f.geometry.coordinates.map((p) => p.map((r) => r.map(utm))) },
  }));
}

export const WGS84_PRJ = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
export const UTM_PRJ = 'PROJCS["VN_2000_UTM_Zone_48N",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]';

/**
 * An ESRI shapefile of the features: .shp (polygons; outer rings clockwise, as the format
 * wants), .dbf (dBase III, text fields in UTF-8) and, unless null, .prj.
 */
export function shapefileParts(fc: FeatureCollection, prj: string | null = WGS84_PRJ): Record<string, Uint8Array> {
  const records = fc.features.map((f) => {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    // Outer rings clockwise, holes anticlockwise: the reverse of RFC 7946.
    const rings = polygons.flatMap((p) => p.map((r, i) => ((i === 0) === area(r) > 0 ? [...r].reverse() : r)));
    const points = rings.flat();
    const content = new DataView(new ArrayBuffer(44 + 4 * rings.length + 16 * points.length));
    content.setInt32(0, 5, true);
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) => content.setFloat64(4 + 8 * i, v, true));
    content.setInt32(36, rings.length, true);
    content.setInt32(40, points.length, true);
    let start = 0;
    rings.forEach((r, i) => {
      content.setInt32(44 + 4 * i, start, true);
      start += r.length;
    });
    points.forEach(([x, y], i) => {
      content.setFloat64(44 + 4 * rings.length + 16 * i, x, true);
      content.setFloat64(44 + 4 * rings.length + 16 * i + 8, y, true);
    });
    return new Uint8Array(content.buffer);
  });
  const length = 100 + records.reduce((sum, r) => sum + 8 + r.length, 0);
  const shp = new Uint8Array(length);
  const view = new DataView(shp.buffer);
  view.setInt32(0, 9994);
  view.setInt32(24, length / 2);
  view.setInt32(28, 1000, true);
  view.setInt32(32, 5, true);
  const all = fc.features.flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates)).flat(2);
  [Math.min(...all.map((p) => p[0])), Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[0])), Math.max(...all.map((p) => p[1]))]
    .forEach((v, i) => view.setFloat64(36 + 8 * i, v, true));
  let offset = 100;
  records.forEach((r, i) => {
    view.setInt32(offset, i + 1);
    view.setInt32(offset + 4, r.length / 2);
    shp.set(r, offset + 8);
    offset += 8 + r.length;
  });
  const parts: Record<string, Uint8Array> = { shp, dbf: dbf(fc.features.map((f) => f.properties)), cpg: new TextEncoder().encode('UTF-8') };
  if (prj !== null) parts.prj = new TextEncoder().encode(prj);
  return parts;
}

function dbf(rows: Record<string, string | number | null>[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => names.map((n) => encoder.encode(r[n] === null || r[n] === undefined ? '' : String(r[n]))));
  const widths = names.map((_, i) => Math.max(1, ...cells.map((c) => c[i].length)));
  const headerLength = 32 + 32 * names.length + 1;
  const recordLength = 1 + widths.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(headerLength + recordLength * rows.length + 1).fill(0x20, headerLength);
  const view = new DataView(out.buffer);
  out[0] = 0x03;
  view.setUint32(4, rows.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  names.forEach((name, i) => {
    out.set(encoder.encode(name.slice(0, 10)), 32 + 32 * i);
    out[32 + 32 * i + 11] = 'C'.charCodeAt(0);
    out[32 + 32 * i + 16] = widths[i];
  });
  out[headerLength - 1] = 0x0d;
  cells.forEach((row, r) => {
    let at = headerLength + r * recordLength + 1;
    row.forEach((cell, i) => {
      out.set(cell, at);
      at += widths[i];
    });
  });
  out[out.length - 1] = 0x1a;
  return out;
}

/** A zip of the files, stored without compression (which every reader accepts). */
export function zip(files: Record<string, Uint8Array>): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = encoder.encode(name);
    const crc = crc32(data);
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const centralSize = centrals.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + centralSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Bytes of JSON, as a file would be uploaded. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** A file and what each of its features really is (a unit code, or null for none here). */
export interface Fixture {
  file: FeatureCollection;
  truth: (string | null)[];
}

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
const TYPE_WORDS: Record<string, [string, string]> = {
  'thanh-pho': ['Thành phố', 'City'], 'thi-xa': ['Thị xã', 'Town'], huyen: ['Huyện', 'District'], quan: ['Quận', 'Urban district'],
  xa: ['Xã', 'Commune'], phuong: ['Phường', 'Ward'], 'thi-tran': ['Thị trấn', 'Township'],
};

/**
 * Hà Tĩnh's districts as a GADM-derived file has them: names of before 2015 (TP Hà Tĩnh still
 * a thị xã), decomposed Unicode and Ð for Đ, "Huyện Kỳ Anh" and TX Kỳ Anh as plain "Kỳ Anh",
 * the province's name in every row, rows numbered 1, 2, 3… (ID_2 and the feature id), and Vũ
 * Quang (441) and Lộc Hà (448) missing. With `types`, GADM's type columns, and Kỳ Anh plain
 * in both rows.
 */
export function gadmDistricts(b: ProvinceBoundaries, options: { types?: boolean } = {}): Fixture {
  const names: Record<string, string> = {
    436: 'Thị xã Hà Tĩnh', 437: 'Hồng Lĩnh'.normalize('NFD'), 439: 'Hương Sơn', 440: '\u00D0ức Thọ', 442: 'Nghi Xuân', 443: 'Can Lộc',
    444: 'Hương Khê', 445: 'Thạch Hà', 446: 'Cẩm Xuyên', 447: options.types ? 'Kỳ Anh' : 'Huyện Kỳ Anh', 449: 'Kỳ Anh',
  };
  const kept = b.districts.features.filter((f) => String(f.properties.ma_huyen) in names);
  const truth = kept.map((f) => String(f.properties.ma_huyen));
  const unitOf = new Map(b.units.map((u) => [u.code, u]));
  return {
    truth,
    file: collection(kept.map((f, i) => {
      const code = truth[i];
      const [vi, en] = TYPE_WORDS[unitOf.get(code)!.type];
      return {
        type: 'Feature', id: i + 1, geometry: f.geometry,
        properties: {
          ID_0: 250, ISO: 'VNM', NAME_0: 'Vietnam', ID_1: 24, NAME_1: 'Hà Tĩnh', ID_2: i + 1, NAME_2: names[code], VARNAME_2: fold(names[code]).replace(/^(Huyen|Thi xa) /, ''),
          ...(options.types ? { TYPE_2: code === '436' ? 'Thị xã' : vi, ENGTYPE_2: code === '436' ? 'Town' : en } : {}),
        },
      };
    })),
  };
}

/**
 * Every district of the country in one file, as GADM numbers them: provinces in alphabetical
 * order, rows numbered 1 to 705 (ID_2 and the feature id). Hà Tĩnh's districts have their
 * shapes; Nghệ An's lie in a row to the north, the rest in a grid far to the south.
 */
export function nationalDistricts(b: ProvinceBoundaries): Fixture {
  const all = [...catalog().values()];
  const provinces = new Map(all.filter((u) => u.level === 'province').map((p) => [p.code, p]));
  const districts = all
    .filter((u) => u.level === 'district')
    .sort((x, y) => fold(provinces.get(x.parent!)!.name).localeCompare(fold(provinces.get(y.parent!)!.name)) || fold(x.name).localeCompare(fold(y.name)));
  const haTinh = new Map(b.districts.features.map((f) => [String(f.properties.ma_huyen), f.geometry]));
  const square = (x: number, y: number): BoundaryFeature['geometry'] => ({
    type: 'Polygon', coordinates: [[[x, y], [x + 0.2, y], [x + 0.2, y + 0.2], [x, y + 0.2], [x, y]]],
  });
  let north = 0;
  let south = 0;
  return {
    truth: districts.map((d) => (haTinh.has(d.code) ? d.code : null)),
    file: collection(districts.map((d, i) => {
      const geometry = haTinh.get(d.code) ??
        (d.parent === '40' ? square(103.6 + 0.2 * north++, 19.0) : square(102.2 + 0.2 * (south % 40), 8.6 + 0.2 * Math.floor(south++ / 40)));
      const province = provinces.get(d.parent!)!;
      return {
        type: 'Feature', id: i + 1, geometry,
        properties: { ID_0: 250, ISO: 'VNM', NAME_0: 'Vietnam', ID_1: Number(province.code), NAME_1: province.name, ID_2: i + 1, NAME_2: d.name, TYPE_2: TYPE_WORDS[d.type]?.[0] ?? null },
      };
    })),
  };
}

/**
 * Hà Tĩnh's communes as a GADM-derived file has them: names without their type, a type
 * column, the district and the province by name, and two numberings that are not codes: ID_3,
 * consecutive from 18100 (among the real codes, which step by three), and the feature id.
 */
export function gadmCommunes(b: ProvinceBoundaries, district?: string): Fixture {
  const unitOf = new Map(b.units.map((u) => [u.code, u]));
  const kept = b.communes.features.filter((f) => !district || unitOf.get(String(f.properties.ma_xa))!.parent === district);
  const truth = kept.map((f) => String(f.properties.ma_xa));
  return {
    truth,
    file: collection(kept.map((f, i) => {
      const commune = unitOf.get(truth[i])!;
      return {
        type: 'Feature', id: i + 1, geometry: f.geometry,
        properties: { NAME_1: 'Hà Tĩnh', NAME_2: unitOf.get(commune.parent!)!.name, ID_3: 18100 + i, NAME_3: commune.name, TYPE_3: TYPE_WORDS[commune.type][0] },
      };
    })),
  };
}

/** The features moved by `lon` degrees east: a file in the wrong place. */
export function shifted(fc: FeatureCollection, lon: number): FeatureCollection {
  const move = ([x, y]: Position): Position => [round7(x + lon), y];
  return mapFeatures(fc, (f) => ({
    ...f,
    geometry: f.geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: f.geometry.coordinates.map((r) => r.map(move)) }
      : { type: 'MultiPolygon', coordinates: f.geometry.coordinates.map((p) => p.map((r) => r.map(move))) },
  }));
}

/** A small islet off a feature's eastern tip, apart from it: a part recorded as a feature of its own. */
export function isletOf(f: BoundaryFeature, properties: BoundaryFeature['properties']): BoundaryFeature {
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  const east = polygons.flatMap((p) => p[0]).reduce((a, v) => (v[0] > a[0] ? v : a));
  const [x, y] = [east[0] + 0.03, east[1]];
  return { type: 'Feature', properties, geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.02, y], [x + 0.02, y + 0.015], [x, y + 0.015], [x, y]]] } };
}
