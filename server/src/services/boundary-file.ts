/**
 * Reading boundary files as a province's IT office has them: GeoJSON, TopoJSON, or an ESRI
 * shapefile zipped with its .dbf (and .prj, .cpg). The whole file is checked before anything
 * is kept: polygons only, in WGS84 longitude/latitude degrees. Rings come out closed, without
 * repeated points, and oriented as d3-geo draws them: the outer ring clockwise, holes not.
 */
import { BadRequestException, HttpException, PayloadTooLargeException, UnprocessableEntityException } from '@nestjs/common';
import { MAX_MAP_FILE_BYTES } from '@tiendo/shared';
import { unzipSync } from 'fflate';
import { read as readShapefile } from 'shapefile';
import { feature as topologyFeature } from 'topojson-client';
import type { GeoJsonProperties } from 'geojson';
import type { GeometryObject, Topology } from 'topojson-specification';

export type Position = [number, number];
export type Ring = Position[];
/** A polygon's rings, the outer one first. */
export type Polygon = Ring[];

export interface BoundaryFeature {
  properties: Record<string, unknown>;
  polygons: Polygon[];
}

/** A GeoJSON file is one layer; a TopoJSON object or a shapefile in a zip is one each. */
export interface BoundaryLayer {
  name: string;
  features: BoundaryFeature[];
}

const MB = MAX_MAP_FILE_BYTES / 1024 / 1024;
/** What a zip may expand to; a larger one is refused before it is inflated. */
const MAX_UNZIPPED_BYTES = 4 * MAX_MAP_FILE_BYTES;

export async function readBoundaryFile(bytes: Uint8Array, fileName: string): Promise<BoundaryLayer[]> {
  if (bytes.length === 0) throw new BadRequestException('file: empty');
  if (bytes.length > MAX_MAP_FILE_BYTES) throw new PayloadTooLargeException(`file: larger than the limit of ${MB} MB`);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return readZip(bytes);
  if (startsWith(bytes, [0x00, 0x00, 0x27, 0x0a])) {
    throw new UnprocessableEntityException('file: a .shp alone; zip it with its .dbf, which holds the unit names, and its .prj');
  }
  return readJson(bytes, stem(fileName) || 'file', 'file');
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** "uploads/Ranh_gioi_xa.geojson" → "Ranh_gioi_xa". */
function stem(path: string): string {
  return path.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
}

function readJson(bytes: Uint8Array, name: string, label: string): BoundaryLayer[] {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  if (!/^\s*[{[]/.test(text)) {
    throw new BadRequestException(`${label}: not GeoJSON, TopoJSON or a zipped shapefile`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BadRequestException(`${label}: not valid JSON (${(error as Error).message})`);
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (type === 'FeatureCollection') return nonEmpty([readFeatureCollection(json as { features?: unknown }, name)], label);
  if (type === 'Topology') return nonEmpty(readTopology(json as Topology), label);
  throw new UnprocessableEntityException(
    `${label}: a GeoJSON FeatureCollection or a TopoJSON Topology was expected, not ${typeof type === 'string' ? `a ${type}` : 'an object without a type'}`,
  );
}

function nonEmpty(layers: BoundaryLayer[], label: string): BoundaryLayer[] {
  const kept = layers.filter((l) => l.features.length > 0);
  if (kept.length === 0) throw new UnprocessableEntityException(`${label}: holds no features`);
  return kept;
}

function readFeatureCollection(json: { features?: unknown }, name: string): BoundaryLayer {
  if (!Array.isArray(json.features)) throw new UnprocessableEntityException('features: must be an array');
  return {
    name,
    features: json.features.map((f: unknown, i) => {
      const at = `features[${i}]`;
      const feature = f as { type?: unknown; id?: unknown; properties?: unknown; geometry?: unknown } | null;
      if (feature?.type !== 'Feature') throw new UnprocessableEntityException(`${at}: not a Feature`);
      return { properties: propertiesOf(feature.properties, feature.id), polygons: readGeometry(feature.geometry, at) };
    }),
  };
}

/** Properties as the file has them; a feature's id is offered as the property "id" too. */
function propertiesOf(properties: unknown, id: unknown): Record<string, unknown> {
  const own = properties && typeof properties === 'object' && !Array.isArray(properties) ? (properties as Record<string, unknown>) : {};
  return id !== undefined && id !== null && !('id' in own) ? { id, ...own } : own;
}

function readGeometry(geometry: unknown, at: string): Polygon[] {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g) throw new UnprocessableEntityException(`${at}: has no geometry`);
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    throw new UnprocessableEntityException(`${at}.geometry: a ${String(g.type)}, but only Polygon and MultiPolygon bound a unit`);
  }
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  if (!Array.isArray(polygons)) throw new UnprocessableEntityException(`${at}.geometry.coordinates: must be an array`);
  const kept = polygons.map((p) => readPolygon(p, at)).filter((p): p is Polygon => p !== null);
  if (kept.length === 0) throw new UnprocessableEntityException(`${at}: no ring with three distinct points`);
  return kept;
}

function readPolygon(rings: unknown, at: string): Polygon | null {
  if (!Array.isArray(rings)) throw new UnprocessableEntityException(`${at}.geometry.coordinates: a polygon must be an array of rings`);
  const kept = rings.map((r) => readRing(r, at)).filter((r): r is Ring => r !== null);
  return kept.length ? orient(kept) : null;
}

/** A ring of valid positions without repeats, closed; null when fewer than three points remain. */
function readRing(ring: unknown, at: string): Ring | null {
  if (!Array.isArray(ring)) throw new UnprocessableEntityException(`${at}.geometry.coordinates: a ring must be an array of positions`);
  const out: Ring = [];
  for (const position of ring) {
    const [x, y] = checkPosition(position, at);
    const last = out[out.length - 1];
    if (!last || last[0] !== x || last[1] !== y) out.push([x, y]);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  if (out.length < 3) return null;
  out.push([out[0][0], out[0][1]]);
  return out;
}

function checkPosition(position: unknown, at: string): Position {
  if (!Array.isArray(position) || typeof position[0] !== 'number' || typeof position[1] !== 'number' || !Number.isFinite(position[0]) || !Number.isFinite(position[1])) {
    throw new UnprocessableEntityException(`${at}.geometry.coordinates: ${JSON.stringify(position)?.slice(0, 40)} is not a [longitude, latitude] pair of numbers`);
  }
  const [x, y] = position as [number, number];
  if (Math.abs(x) <= 180 && Math.abs(y) <= 90) return [x, y];
  const shown = `(${x}, ${y})`;
  if (Math.abs(x) > 1000 || Math.abs(y) > 1000) {
    throw new UnprocessableEntityException(
      `${at}: coordinates ${shown} are not longitude/latitude degrees; the file looks projected (metres, such as VN-2000 / UTM): export it in WGS84 longitude/latitude (EPSG:4326)`,
    );
  }
  const swapped = Math.abs(x) <= 90 && Math.abs(y) <= 180 ? '; are latitude and longitude swapped?' : '';
  throw new UnprocessableEntityException(`${at}: coordinates ${shown} are out of range (longitude -180 to 180, latitude -90 to 90)${swapped}`);
}

/** Twice the signed area in the lon/lat plane: positive when the ring runs anticlockwise. */
function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return sum;
}

/** The largest ring is the outer one, clockwise; the others are holes, anticlockwise. */
function orient(rings: Ring[]): Polygon {
  const areas = rings.map(signedArea);
  const outer = areas.reduce((best, a, i) => (Math.abs(a) > Math.abs(areas[best]) ? i : best), 0);
  const clockwise = (i: number) => (areas[i] < 0 ? rings[i] : [...rings[i]].reverse());
  const anticlockwise = (i: number) => (areas[i] > 0 ? rings[i] : [...rings[i]].reverse());
  return [clockwise(outer), ...[...rings.keys()].filter((i) => i !== outer).map(anticlockwise)];
}

function readTopology(topology: Topology): BoundaryLayer[] {
  if (!topology.objects || typeof topology.objects !== 'object' || !Array.isArray(topology.arcs)) {
    throw new UnprocessableEntityException('file: a TopoJSON Topology needs "objects" and "arcs"');
  }
  return Object.entries(topology.objects).map(([name, object]) => {
    const geometries: GeometryObject<GeoJsonProperties>[] = object?.type === 'GeometryCollection' ? (object.geometries ?? []) : [object];
    return {
      name,
      features: geometries.map((geometry, i) => {
        const at = `objects.${name}.geometries[${i}]`;
        if (!geometry || geometry.type === null || (geometry.type as unknown) === undefined) throw new UnprocessableEntityException(`${at}: has no geometry`);
        if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
          throw new UnprocessableEntityException(`${at}: a ${geometry.type}, but only Polygon and MultiPolygon bound a unit`);
        }
        let decoded: { geometry: unknown };
        try {
          decoded = topologyFeature(topology, geometry) as { geometry: unknown };
        } catch (error) {
          throw new UnprocessableEntityException(`${at}: its arcs cannot be read (${(error as Error).message})`);
        }
        return { properties: propertiesOf(geometry.properties, geometry.id), polygons: readGeometry(decoded.geometry, at) };
      }),
    };
  });
}

const JSON_PARTS = new Set(['json', 'geojson', 'topojson']);
const ZIP_PARTS = new Set(['shp', 'dbf', 'prj', 'cpg', ...JSON_PARTS]);

async function readZip(bytes: Uint8Array): Promise<BoundaryLayer[]> {
  let expanded = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (/(^|\/)(__MACOSX\/|\._)/.test(file.name) || !ZIP_PARTS.has(extension(file.name))) return false;
        expanded += file.originalSize;
        if (expanded > MAX_UNZIPPED_BYTES) throw new PayloadTooLargeException(`zip: expands to more than ${MAX_UNZIPPED_BYTES / 1024 / 1024} MB`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof HttpException) throw error;
    throw new UnprocessableEntityException(`zip: cannot be read (${(error as Error).message})`);
  }
  const parts = new Map<string, Map<string, Uint8Array>>();
  for (const [path, data] of Object.entries(files)) {
    const key = path.slice(0, path.length - extension(path).length - 1);
    if (!parts.has(key)) parts.set(key, new Map());
    parts.get(key)!.set(extension(path), data);
  }
  const shapefiles = [...parts].filter(([, p]) => p.has('shp'));
  if (shapefiles.length === 0) {
    const json = [...parts].flatMap(([path, p]) => [...p].filter(([ext]) => JSON_PARTS.has(ext)).map(([ext, data]) => ({ path: `${path}.${ext}`, data })));
    if (json.length === 0) throw new UnprocessableEntityException('zip: holds no .shp; a shapefile needs its .shp, .dbf and .prj');
    return nonEmpty(json.flatMap(({ path, data }) => readJson(data, stem(path), path)), 'zip');
  }
  const layers: BoundaryLayer[] = [];
  for (const [path, p] of shapefiles) {
    const name = stem(path);
    if (!p.has('dbf')) throw new UnprocessableEntityException(`zip: ${name}.shp has no ${name}.dbf beside it; the .dbf holds the unit names`);
    const prj = p.get('prj');
    if (prj) checkProjection(new TextDecoder().decode(prj), name);
    layers.push(await readShapefileLayer(name, p.get('shp')!, p.get('dbf')!, p.get('cpg')));
  }
  return nonEmpty(layers, 'zip');
}

function extension(path: string): string {
  return /\.([^./]+)$/.exec(path)?.[1].toLowerCase() ?? '';
}

/** Only geographic coordinates are accepted; a projection (VN-2000 / UTM…) must be undone first. */
function checkProjection(wkt: string, name: string): void {
  const projected = /^\s*PROJCS\s*\[\s*"([^"]*)"/i.exec(wkt);
  if (projected) {
    throw new UnprocessableEntityException(
      `zip: ${name}.prj says the coordinates are projected (${projected[1]}); export the layer in WGS84 longitude/latitude (EPSG:4326)`,
    );
  }
  if (!/^\s*GEOGCS\s*\[/i.test(wkt)) throw new UnprocessableEntityException(`zip: ${name}.prj names no geographic coordinate system (GEOGCS)`);
}

/**
 * Attribute text is UTF-8 unless the .cpg says otherwise; a .dbf without a .cpg that does not
 * read as UTF-8 is read as Windows-1258, the Vietnamese code page.
 */
async function readShapefileLayer(name: string, shp: Uint8Array, dbf: Uint8Array, cpg: Uint8Array | undefined): Promise<BoundaryLayer> {
  const declared = cpg ? new TextDecoder().decode(cpg).trim() : null;
  const encoding = declared === null ? 'utf-8' : /^\d+$/.test(declared) ? `windows-${declared}` : declared.replace(/^ANSI\s+/i, 'windows-');
  const read = async (label: string) => {
    try {
      return await readShapefile(shp, dbf, { encoding: label });
    } catch (error) {
      throw new UnprocessableEntityException(`zip: ${name}.shp cannot be read (${(error as Error).message})`);
    }
  };
  let collection = await read(encoding);
  const garbled = collection.features.some((f) => Object.values(f.properties ?? {}).some((v) => typeof v === 'string' && v.includes('\uFFFD')));
  if (garbled && declared === null) collection = await read('windows-1258');
  return {
    name,
    features: collection.features.map((f, i) => ({ properties: propertiesOf(f.properties, undefined), polygons: readGeometry(f.geometry, `${name}.shp record ${i + 1}`) })),
  };
}
