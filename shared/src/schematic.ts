/**
 * The default map when no boundary file was imported (DESIGN.md §5): a schematic in which every
 * unit of the lowest level drawn is one equal hexagonal tile, so a small urban ward is as visible
 * as a big mountain commune, and the tiles of each parent unit form one contiguous block placed
 * where that unit really is (when its representative point is known).
 *
 * The result is TopoJSON in lon/lat degrees, so it goes through the same projection as real
 * boundary files. Neighbouring tiles share arcs, so a mesh draws each inner border once.
 */
import { DISTRICT_POINTS, type DistrictPoint } from './district-points.js';
import type { UnitInfo, UnitLevel } from './protocol.js';

export type SchematicProperties = { name: string; fullName: string };
export type SchematicPolygon = { type: 'Polygon'; id: string; properties: SchematicProperties; arcs: number[][] };
export type SchematicCollection = { type: 'GeometryCollection'; geometries: SchematicPolygon[] };
export type SchematicTopology = {
  type: 'Topology';
  bbox: [number, number, number, number];
  arcs: [number, number][][];
  objects: Record<string, SchematicCollection>;
};

/** The TopoJSON object that holds the units of a level, in schematic and imported maps alike. */
export function objectName(level: UnitLevel): string {
  return level === 'country' ? 'countries' : `${level}s`;
}

interface Point {
  x: number;
  y: number;
}

// Pointy-top hexagons of circumradius 1 in a plane whose y axis points north. A tile (q, r) has
// its centre at (√3·(q + r/2), 1.5·r). Vertices are kept on an integer lattice, in units of √3/2
// horizontally and 1/2 vertically, so that neighbouring tiles share vertices exactly.
const HEX_AREA = (3 * Math.sqrt(3)) / 2;
const HALF_WIDTH = Math.sqrt(3) / 2;
/** Corners of a tile relative to 2q + r and 3r, clockwise from the top (d3-geo wants clockwise). */
const CORNERS: readonly (readonly [number, number])[] = [[0, 2], [1, 1], [1, -1], [0, -2], [-1, -1], [-1, 1]];
/** The neighbour across the edge from corner k to corner k + 1. */
const NEIGHBOURS: readonly (readonly [number, number])[] = [[0, 1], [1, 0], [1, -1], [0, -1], [-1, 0], [-1, 1]];

const TILE_OFFSET = 1 << 15;
const tileId = (q: number, r: number) => (q + TILE_OFFSET) * 2 * TILE_OFFSET + (r + TILE_OFFSET);
const tileQ = (id: number) => Math.floor(id / (2 * TILE_OFFSET)) - TILE_OFFSET;
const tileR = (id: number) => (id % (2 * TILE_OFFSET)) - TILE_OFFSET;
const tileCentre = (id: number): Point => ({ x: 2 * HALF_WIDTH * (tileQ(id) + tileR(id) / 2), y: 1.5 * tileR(id) });
const neighbourId = (id: number, k: number) => tileId(tileQ(id) + NEIGHBOURS[k][0], tileR(id) + NEIGHBOURS[k][1]);

/** The tile whose centre is nearest to a point (cube-coordinate rounding). */
function tileAt(p: Point): number {
  const r = p.y / 1.5;
  const q = p.x / (2 * HALF_WIDTH) - r / 2;
  const s = -q - r;
  let rq = Math.round(q);
  let rr = Math.round(r);
  const rs = Math.round(s);
  const dq = Math.abs(rq - q);
  const dr = Math.abs(rr - r);
  const ds = Math.abs(rs - s);
  if (dq > dr && dq > ds) rq = -rr - rs;
  else if (dr > ds) rr = -rq - rs;
  return tileId(rq, rr);
}

/** Where the plane sits on the globe: degrees of latitude per tile unit, around an origin. */
interface Georeference {
  lon: number;
  lat: number;
  degrees: number;
}

/** Unknown places are drawn around the middle of Vietnam, where real boundary files also lie. */
const DEFAULT_ORIGIN = { lon: 106, lat: 16 };
const DEFAULT_TILE_DEGREES = 0.03;

/**
 * Builds the schematic of the units below `rootCode`: its children are the blocks (districts of
 * a province, provinces of the country) and its grandchildren the tiles. When the catalog has
 * nothing below the children, the root itself is the only block and its children the tiles.
 * A block without units below it gets one empty tile.
 */
export function schematicMap(units: readonly UnitInfo[], rootCode: string): SchematicTopology {
  const root = units.find((u) => u.code === rootCode);
  if (!root) throw new Error(`unit ${rootCode} is not in the catalog`);
  const children = childrenByParent(units);
  const top = children.get(rootCode) ?? [];
  if (top.length === 0) throw new Error(`unit ${rootCode} has no units below it`);
  const blocks = top.some((u) => children.has(u.code)) ? top : [root];
  const tilesOf = blocks.map((b) => (b === root ? top : (children.get(b.code) ?? [])));
  const sizes = tilesOf.map((t) => Math.max(1, t.length));

  const { centres, georeference } = placeBlocks(blocks, sizes);
  const claimed = layTiles(centres, sizes);

  const topology = new TopologyBuilder(georeference);
  const blockGeometries = blocks.map((block, b) => topology.region(block, claimed[b]));
  const tileGeometries = tilesOf.flatMap((tiles, b) => tiles.map((unit, i) => topology.region(unit, [claimed[b][i]])));
  return topology.build({
    [objectName(blocks[0].level)]: blockGeometries,
    [objectName(tilesOf.find((t) => t.length > 0)![0].level)]: tileGeometries,
  });
}

function childrenByParent(units: readonly UnitInfo[]): Map<string, UnitInfo[]> {
  const children = new Map<string, UnitInfo[]>();
  for (const unit of units) {
    if (unit.parent === null) continue;
    let list = children.get(unit.parent);
    if (!list) children.set(unit.parent, (list = []));
    list.push(unit);
  }
  for (const list of children.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return children;
}

/** A block of n tiles covers about the disc of this radius. */
const blockRadius = (size: number) => Math.sqrt((size * HEX_AREA) / Math.PI);

/**
 * Centres of the blocks in tile units. They start at their real points when all are known
 * (else on a sunflower spiral in code order), scaled so that typical neighbours just touch.
 * Then neighbours are drawn together and overlapping discs pushed apart until the blocks form
 * one compact map with the same neighbours as the real one.
 */
function placeBlocks(blocks: readonly UnitInfo[], sizes: readonly number[]): { centres: Point[]; georeference: Georeference } {
  const radii = sizes.map(blockRadius);
  const points = blocks.map((b) => DISTRICT_POINTS.get(b.code));
  if (points.some((p) => p === undefined)) {
    const centres = arrange(sunflower(radii), radii, sizes, 'centre');
    return { centres, georeference: { ...DEFAULT_ORIGIN, degrees: DEFAULT_TILE_DEGREES } };
  }
  const known = points as DistrictPoint[];
  const lat = mean(known.map((p) => p.lat));
  const lon = mean(known.map((p) => p.lon));
  const cosLat = Math.cos((lat * Math.PI) / 180);
  const plane = known.map((p) => ({ x: (p.lon - lon) * cosLat, y: p.lat - lat }));
  const degrees = known.length > 1 ? 1 / touchingScale(plane, radii) : DEFAULT_TILE_DEGREES;
  const start = plane.map((p) => ({ x: p.x / degrees, y: p.y / degrees }));
  // Large districts hold their real place; a city inflated to many wards makes room around it.
  const centres = arrange(start, radii, known.map((p) => p.area), 'neighbours');
  return { centres, georeference: { lon, lat, degrees } };
}

/** Tile units per plane unit at which the median block just touches its nearest neighbour. */
function touchingScale(points: readonly Point[], radii: readonly number[]): number {
  return median(
    points.map((p, i) => {
      let nearest = -1;
      points.forEach((o, j) => {
        if (j !== i && (nearest < 0 || distance(o, p) < distance(points[nearest], p))) nearest = j;
      });
      return (radii[i] + radii[nearest]) / Math.max(distance(p, points[nearest]), 1e-9);
    }),
  );
}

/** Vogel's spiral: compact and stable, the first code in the middle. */
function sunflower(radii: readonly number[]): Point[] {
  const goldenAngle = Math.PI * (3 - Math.sqrt(5));
  const spacing = mean(radii);
  return radii.map((_, i) => ({
    x: spacing * Math.sqrt(i + 0.5) * Math.cos(i * goldenAngle),
    y: spacing * Math.sqrt(i + 0.5) * Math.sin(i * goldenAngle),
  }));
}

/**
 * A deterministic force layout of discs; overlapping discs repel and heavier blocks move less.
 * Real neighbours (the Gabriel graph of the starting points) attract until they touch; without
 * geography, every disc is drawn to the middle instead, which packs them tightly.
 */
function arrange(start: readonly Point[], radii: readonly number[], mass: readonly number[], attraction: 'neighbours' | 'centre'): Point[] {
  const centres = start.map((p) => ({ ...p }));
  const neighbours = attraction === 'neighbours' ? gabrielGraph(start) : [];
  let moved = 0;
  const move = (i: number, j: number, amount: number) => {
    const d = distance(centres[i], centres[j]);
    const [ux, uy] = d > 0 ? [(centres[j].x - centres[i].x) / d, (centres[j].y - centres[i].y) / d] : [Math.cos(j), Math.sin(j)];
    const shareI = mass[j] / (mass[i] + mass[j]);
    centres[i].x += ux * amount * shareI;
    centres[i].y += uy * amount * shareI;
    centres[j].x -= ux * amount * (1 - shareI);
    centres[j].y -= uy * amount * (1 - shareI);
    moved += Math.abs(amount);
  };
  for (let round = 0; round < 200; round++) {
    moved = 0;
    for (const [i, j] of neighbours) {
      const gap = distance(centres[i], centres[j]) - radii[i] - radii[j];
      if (gap > 0) move(i, j, gap / 2);
    }
    if (attraction === 'centre') {
      const middle = { x: mean(centres.map((c) => c.x)), y: mean(centres.map((c) => c.y)) };
      for (const c of centres) {
        c.x += (middle.x - c.x) * 0.1;
        c.y += (middle.y - c.y) * 0.1;
      }
    }
    for (let pass = 0; pass < 10; pass++) {
      const before = moved;
      for (let i = 0; i < centres.length; i++) {
        for (let j = i + 1; j < centres.length; j++) {
          const reach = radii[i] + radii[j];
          const dx = centres[j].x - centres[i].x;
          const dy = centres[j].y - centres[i].y;
          if (dx * dx + dy * dy < reach * reach) move(i, j, Math.hypot(dx, dy) - reach);
        }
      }
      if (moved === before) break;
    }
    if (moved < 1e-3 * centres.length) break;
  }
  return centres;
}

/** Pairs of points with no third point inside the circle on their segment as diameter. */
function gabrielGraph(points: readonly Point[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const middle = { x: (points[i].x + points[j].x) / 2, y: (points[i].y + points[j].y) / 2 };
      const radius = distance(points[i], points[j]) / 2;
      if (points.every((p, k) => k === i || k === j || distance(p, middle) >= radius)) pairs.push([i, j]);
    }
  }
  return pairs;
}

/**
 * Tiles of each block, nearest to its centre first. All blocks grow at once, each claiming the
 * free tile next to its own that is nearest its centre relative to its radius, so a block is
 * contiguous and no tile has two owners. A block can be enclosed by its neighbours before it
 * is full; the layout is then spread out a little and laid again. Spreading ends it: once the
 * discs are far enough apart, no block reaches another.
 */
function layTiles(centres: readonly Point[], sizes: readonly number[]): number[][] {
  const radii = sizes.map(blockRadius);
  const middle = { x: mean(centres.map((c) => c.x)), y: mean(centres.map((c) => c.y)) };
  for (let spread = 1; spread < 1e3; spread *= 1.1) {
    const spreadCentres = centres.map((c) => ({ x: middle.x + (c.x - middle.x) * spread, y: middle.y + (c.y - middle.y) * spread }));
    const claimed = growBlocks(spreadCentres, radii, sizes);
    if (!claimed) continue;
    fillHoles(claimed, spreadCentres);
    return claimed.map((tiles, block) => {
      const away = (t: number) => distance(tileCentre(t), spreadCentres[block]);
      return tiles.sort((a, b) => away(a) - away(b) || a - b);
    });
  }
  throw new Error('schematic layout failed');
}

/**
 * An empty tile enclosed by blocks reads as a lake that is not there. Each is given to the
 * neighbouring block whose centre is nearest; in exchange that block gives up its outer tile
 * farthest from its centre, or, when it has none on the outer edge, a tile farther out than the
 * hole, which becomes the next hole. Holes only move outwards, so this ends.
 */
function fillHoles(claimed: number[][], centres: readonly Point[]): void {
  const owner = new Map<number, number>();
  claimed.forEach((tiles, block) => tiles.forEach((t) => owner.set(t, block)));
  const middle = { x: mean([...owner.keys()].map((t) => tileCentre(t).x)), y: mean([...owner.keys()].map((t) => tileCentre(t).y)) };
  const outside = emptyOutside(owner);
  const emptyAround = (tile: number) =>
    [0, 1, 2, 3, 4, 5].map((k) => neighbourId(tile, k)).filter((t) => !owner.has(t) && !outside.has(t));
  const touchesOutside = (tile: number) => [0, 1, 2, 3, 4, 5].some((k) => outside.has(neighbourId(tile, k)));
  const holes = [...owner.keys()].flatMap(emptyAround);
  for (let hole = holes.shift(); hole !== undefined; hole = holes.shift()) {
    if (owner.has(hole) || outside.has(hole)) continue;
    const around = [...new Set([0, 1, 2, 3, 4, 5].map((k) => owner.get(neighbourId(hole, k))))]
      .filter((b): b is number => b !== undefined)
      .sort((a, b) => distance(tileCentre(hole), centres[a]) - distance(tileCentre(hole), centres[b]) || a - b);
    let exchange: { block: number; tile: number } | undefined;
    for (const block of around) {
      const keepsWhole = (t: number) => isConnected([...claimed[block].filter((u) => u !== t), hole]);
      const fromCentre = (t: number) => distance(tileCentre(t), centres[block]);
      const fromMiddle = (t: number) => distance(tileCentre(t), middle);
      const tile =
        claimed[block].filter(touchesOutside).sort((a, b) => fromCentre(b) - fromCentre(a) || a - b).find(keepsWhole) ??
        claimed[block].filter((t) => fromMiddle(t) > fromMiddle(hole)).sort((a, b) => fromMiddle(b) - fromMiddle(a) || a - b).find(keepsWhole);
      if (tile !== undefined) {
        exchange = { block, tile };
        break;
      }
    }
    if (!exchange) continue;
    const { block, tile } = exchange;
    claimed[block] = claimed[block].map((t) => (t === tile ? hole : t));
    owner.set(hole, block);
    owner.delete(tile);
    holes.push(...emptyAround(hole));
    if (!touchesOutside(tile)) {
      holes.push(tile);
      continue;
    }
    // A tile given up on the outer edge may open a way from outside into other holes.
    const opened = [tile];
    outside.add(tile);
    for (let t = opened.pop(); t !== undefined; t = opened.pop()) {
      for (const next of emptyAround(t)) {
        outside.add(next);
        opened.push(next);
      }
    }
  }
}

function isConnected(tiles: readonly number[]): boolean {
  const remaining = new Set(tiles);
  const queue = [tiles[0]];
  remaining.delete(tiles[0]);
  while (queue.length > 0) {
    const tile = queue.pop()!;
    for (let k = 0; k < 6; k++) {
      const next = neighbourId(tile, k);
      if (remaining.delete(next)) queue.push(next);
    }
  }
  return remaining.size === 0;
}

/** Empty tiles reachable from beyond the layout's edge without crossing a block. */
function emptyOutside(owner: ReadonlyMap<number, number>): Set<number> {
  let [minQ, maxQ, minR, maxR] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const tile of owner.keys()) {
    [minQ, maxQ] = [Math.min(minQ, tileQ(tile)), Math.max(maxQ, tileQ(tile))];
    [minR, maxR] = [Math.min(minR, tileR(tile)), Math.max(maxR, tileR(tile))];
  }
  const inFrame = (t: number) => tileQ(t) >= minQ - 1 && tileQ(t) <= maxQ + 1 && tileR(t) >= minR - 1 && tileR(t) <= maxR + 1;
  const start = tileId(minQ - 1, minR - 1);
  const outside = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const tile = queue.pop()!;
    for (let k = 0; k < 6; k++) {
      const next = neighbourId(tile, k);
      if (inFrame(next) && !owner.has(next) && !outside.has(next)) {
        outside.add(next);
        queue.push(next);
      }
    }
  }
  return outside;
}

function growBlocks(centres: readonly Point[], radii: readonly number[], sizes: readonly number[]): number[][] | null {
  const owner = new Map<number, number>();
  const claimed: number[][] = sizes.map(() => []);
  const frontier = new Heap();
  const claim = (tile: number, block: number) => {
    owner.set(tile, block);
    claimed[block].push(tile);
    if (claimed[block].length === sizes[block]) return;
    for (let k = 0; k < 6; k++) {
      const next = neighbourId(tile, k);
      if (owner.has(next)) continue;
      const c = tileCentre(next);
      frontier.push(Math.hypot(c.x - centres[block].x, c.y - centres[block].y) / radii[block], block, next);
    }
  };
  centres.forEach((centre, block) => claim(nearestFreeTile(centre, owner), block));
  while (frontier.size > 0) {
    const { block, tile } = frontier.pop();
    if (!owner.has(tile) && claimed[block].length < sizes[block]) claim(tile, block);
  }
  return claimed.every((tiles, block) => tiles.length === sizes[block]) ? claimed : null;
}

function nearestFreeTile(p: Point, owner: ReadonlyMap<number, number>): number {
  const seen = new Set<number>();
  let ring = [tileAt(p)];
  for (;;) {
    const free = ring.filter((t) => !owner.has(t));
    if (free.length > 0) {
      const distance = (t: number) => Math.hypot(tileCentre(t).x - p.x, tileCentre(t).y - p.y);
      return free.reduce((best, t) => (distance(t) < distance(best) || (distance(t) === distance(best) && t < best) ? t : best));
    }
    ring.forEach((t) => seen.add(t));
    ring = [...new Set(ring.flatMap((t) => [0, 1, 2, 3, 4, 5].map((k) => neighbourId(t, k))))].filter((t) => !seen.has(t));
  }
}

/** A binary min-heap of (key, block, tile), ties broken by block then tile, so layouts are repeatable. */
class Heap {
  private keys: number[] = [];
  private blocks: number[] = [];
  private tiles: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, block: number, tile: number): void {
    this.keys.push(key);
    this.blocks.push(block);
    this.tiles.push(tile);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { block: number; tile: number } {
    const top = { block: this.blocks[0], tile: this.tiles[0] };
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.keys.pop();
    this.blocks.pop();
    this.tiles.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < last && this.less(left, smallest)) smallest = left;
      if (right < last && this.less(right, smallest)) smallest = right;
      if (smallest === i) return top;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private less(a: number, b: number): boolean {
    if (this.keys[a] !== this.keys[b]) return this.keys[a] < this.keys[b];
    if (this.blocks[a] !== this.blocks[b]) return this.blocks[a] < this.blocks[b];
    return this.tiles[a] < this.tiles[b];
  }

  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.blocks[a], this.blocks[b]] = [this.blocks[b], this.blocks[a]];
    [this.tiles[a], this.tiles[b]] = [this.tiles[b], this.tiles[a]];
  }
}

/** Turns sets of tiles into polygons made of shared arcs, one arc per hexagon edge. */
class TopologyBuilder {
  private arcs: [number, number][][] = [];
  private arcByEdge = new Map<string, number>();
  private bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];

  constructor(private readonly georeference: Georeference) {}

  /** The polygon covering `tiles` (contiguous): its outer ring first, then any holes. */
  region(unit: UnitInfo, tiles: readonly number[]): SchematicPolygon {
    const inside = new Set(tiles);
    const next = new Map<string, [number, number]>();
    for (const tile of tiles) {
      const corners = tileCorners(tile);
      for (let k = 0; k < 6; k++) {
        if (!inside.has(neighbourId(tile, k))) next.set(corners[k].join(), corners[(k + 1) % 6]);
      }
    }
    const rings: [number, number][][] = [];
    for (const [startKey, first] of next) {
      const ring: [number, number][] = [];
      let at = startKey;
      let to = first;
      do {
        ring.push(at.split(',').map(Number) as [number, number]);
        next.delete(at);
        at = to.join();
        to = next.get(at)!;
      } while (at !== startKey);
      rings.push(ring);
    }
    // Boundaries keep the tiles on their right: the outer ring runs clockwise, holes the other way.
    rings.sort((a, b) => signedArea(a) - signedArea(b));
    return {
      type: 'Polygon',
      id: unit.code,
      properties: { name: unit.name, fullName: unit.fullName },
      arcs: rings.map((ring) => ring.map((v, i) => this.arc(v, ring[(i + 1) % ring.length]))),
    };
  }

  build(objects: Record<string, SchematicPolygon[]>): SchematicTopology {
    const collections: Record<string, SchematicCollection> = {};
    for (const [name, geometries] of Object.entries(objects)) collections[name] = { type: 'GeometryCollection', geometries };
    return { type: 'Topology', bbox: this.bbox, arcs: this.arcs, objects: collections };
  }

  /** The arc of an edge, reversed (~index) when another polygon already drew it the other way. */
  private arc(from: [number, number], to: [number, number]): number {
    const forward = this.arcByEdge.get(`${from}|${to}`);
    if (forward !== undefined) return forward;
    const backward = this.arcByEdge.get(`${to}|${from}`);
    if (backward !== undefined) return ~backward;
    const index = this.arcs.push([this.lonLat(from), this.lonLat(to)]) - 1;
    this.arcByEdge.set(`${from}|${to}`, index);
    return index;
  }

  private lonLat([vx, vy]: [number, number]): [number, number] {
    const { lon, lat, degrees } = this.georeference;
    const cosLat = Math.cos((lat * Math.PI) / 180);
    const point: [number, number] = [
      round6(lon + (vx * HALF_WIDTH * degrees) / cosLat),
      round6(lat + (vy * 0.5 * degrees)),
    ];
    this.bbox = [
      Math.min(this.bbox[0], point[0]), Math.min(this.bbox[1], point[1]),
      Math.max(this.bbox[2], point[0]), Math.max(this.bbox[3], point[1]),
    ];
    return point;
  }
}

function tileCorners(tile: number): [number, number][] {
  const x = 2 * tileQ(tile) + tileR(tile);
  const y = 3 * tileR(tile);
  return CORNERS.map(([dx, dy]) => [x + dx, y + dy]);
}

/** Shoelace area on the vertex lattice: negative for a clockwise ring. */
function signedArea(ring: readonly [number, number][]): number {
  let sum = 0;
  ring.forEach(([x0, y0], i) => {
    const [x1, y1] = ring[(i + 1) % ring.length];
    sum += x0 * y1 - x1 * y0;
  });
  return sum / 2;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
